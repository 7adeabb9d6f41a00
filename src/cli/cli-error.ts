/**
 * A failure `ccs` reports as one line on stderr, never a stack trace. Exit code 2 for a command
 * line that cannot be run as written (usage), 1 for everything else.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, 2);
