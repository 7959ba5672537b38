import pino from 'pino';
import type { Logger } from 'pino';
import type { LogSettings } from '../config/load-config';

export type { Logger };

/** JSON logs to stdout; the only logger the service creates. */
export function createLogger(settings: LogSettings): Logger {
  return pino({ level: settings.level, base: { service: 'product-image-search' } });
}
