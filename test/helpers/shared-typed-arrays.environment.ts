// Jest runs every test file in its own vm context with its own typed-array constructors, but
// native addons (onnxruntime-node) create their output arrays in Node's main context, and
// onnxruntime-common then checks `data instanceof Float32Array` against the test context's
// constructor and throws "A float32 tensor's data must be type of function Float32Array()".
// Giving the test context the main context's constructors makes both sides agree.
// Use it in any suite that runs ONNX Runtime: `@jest-environment ./test/helpers/shared-typed-arrays.environment.ts`
// (or as jest.config.js testEnvironment for all suites).
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { TestEnvironment } from 'jest-environment-node';

const SHARED = [
  'ArrayBuffer',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

export default class SharedTypedArraysEnvironment extends TestEnvironment {
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    const target = this.global as unknown as Record<string, unknown>;
    for (const name of SHARED) target[name] = globalThis[name];
  }
}
