import { pino } from 'pino';
import type { Logger } from 'pino';
import type { Config } from './config.js';

// Logs carry ids, states and counts, never a message body, phone number or secret: those are redacted wherever
// they might be attached by accident.
export function createLogger(config: Pick<Config, 'logLevel'>, name = 'matterline'): Logger {
  return pino({
    name,
    level: config.logLevel,
    redact: {
      paths: ['text', '*.text', 'body', '*.body', 'password', '*.password', 'secret', '*.secret', 'token', '*.token', 'from', 'to', '*.from', '*.to', 'address', '*.address', 'config', '*.config', 'req.headers.cookie', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  });
}
