import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Finds `name` in this directory or the closest ancestor. The same code runs from src/ (tsx,
 * ts-jest) and from dist/src/ (built), so a fixed number of `..` would be wrong in one of them.
 */
export function findUp(name: string, from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`${name} not found above ${from}`);
    dir = parent;
  }
}
