/** Structured JSON logs (pino). Child loggers carry campaignId / contactId / callId. */
import pino from 'pino';
import type { Logger } from '../ports/logger.ts';

export function createLogger(level: string): Logger & pino.Logger {
  return pino({ level, base: { service: 'ccs' }, timestamp: pino.stdTimeFunctions.isoTime });
}
