/**
 * The logging surface the core uses (pino's shape, declared here so the core does not depend
 * on pino). Child loggers carry campaignId / contactId / callId.
 */
export interface Logger {
  child(bindings: Record<string, unknown>): Logger;
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export const silentLogger: Logger = {
  child: () => silentLogger,
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
