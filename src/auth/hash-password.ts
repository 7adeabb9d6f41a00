/**
 * Prints the configuration hash of a password: `npx tsx src/auth/hash-password.ts <password>`
 * (or `ccs hash-password <password>`). With no argument the password is read from standard
 * input, so it stays out of the shell history: `printf %s 'secret' | npx tsx src/auth/hash-password.ts`.
 */
import { pathToFileURL } from 'node:url';
import { hashPassword } from './password-hash.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** The `hash-password` command: hashes argv[0] (or standard input) and prints the hash. */
export async function hashPasswordCommand(args: readonly string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<void> {
  const password = args[0] ?? (process.stdin.isTTY ? '' : await readStdin());
  if (!password) throw new Error('hash-password: give a password (argument or standard input)');
  out(await hashPassword(password));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  hashPasswordCommand(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
