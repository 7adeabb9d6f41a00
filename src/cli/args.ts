/** Minimal `--name value` / `--flag` parsing for the ccs command (node:util parseArgs, strict). */
import { parseArgs } from 'node:util';

export function parseCommandLine(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      'campaign-id': { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      typeid: { type: 'string' },
      state: { type: 'string' },
      contact: { type: 'string' },
      limit: { type: 'string' },
      port: { type: 'string' },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
      fail: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
