import pino from 'pino';
import type { Logger } from 'pino';
import type { Config } from '../config/load-config';

export type { Logger };

/** JSON logs to stdout; the only logger the service creates. */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, base: { service: 'product-image-search' } });
}
