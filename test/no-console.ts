// Tests fail when anything writes to the console: the service logs through an injected pino logger.
const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
for (const method of methods) {
  jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
    throw new Error(`console.${method} called in a test: ${args.map(String).join(' ')}`);
  });
}
