export { ConfigError } from '../config/load-config';
