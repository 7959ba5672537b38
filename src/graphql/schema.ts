import { readFileSync } from 'node:fs';
import { findUp } from '../lib/find-up';

/** schema.graphql at the repository root is the source of truth for the API. */
export function loadTypeDefs(): string {
  return readFileSync(findUp('schema.graphql'), 'utf8');
}
