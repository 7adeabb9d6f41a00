/** Structured JSON logs (pino). Child loggers carry campaignId / contactId / callId. */
import pino from 'pino';
import type { Logger } from '../ports/logger.ts';
import { redactUrl } from './redact-url.ts';

/** A `url` (or CRM URL) field is logged without the secrets it may carry (a recording link's `sig`, a password). */
const redacted = (value: unknown) => (typeof value === 'string' ? redactUrl(value) : value);
const serializers = { url: redacted, updateUrl: redacted, finishUrl: redacted };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger & pino.Logger {
  const options = { level, base: { service: 'ccs' }, timestamp: pino.stdTimeFunctions.isoTime, serializers };
  return destination ? pino(options, destination) : pino(options);
}
