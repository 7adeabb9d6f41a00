/** What a `ccs` command that talks to a running CCS is given. */
import type { ClientConfig } from '../config/client-config.ts';
import type { Options } from './args.ts';
import type { ServiceClient } from './service-client.ts';

export interface CommandContext {
  args: string[];
  options: Options;
  config: ClientConfig;
  client: ServiceClient;
  /** Prints `text` for people, or `json` as JSON with --json. */
  show(json: unknown, text: () => string): void;
}
