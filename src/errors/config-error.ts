/**
 * Thrown at start-up only (by loadConfig, and by createApp when no model folder was resolved): the settings are wrong, so the service
 * must not start. `problems` lists every bad variable at once, each naming the variable first,
 * so one restart fixes them all.
 */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}
