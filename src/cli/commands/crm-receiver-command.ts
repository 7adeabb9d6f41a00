/** `ccs crm-receiver`: starts the stand-in CRM, with a one-line answer when its port is taken. */
import { CliError } from '../cli-error.ts';
import { startCrmReceiver } from '../crm-receiver.ts';

export async function listenCrmReceiver(port: number, failShare: number): Promise<void> {
  try {
    await startCrmReceiver(port, failShare);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`port ${port} is already in use on 127.0.0.1: stop what uses it or choose another port with --port`);
    if (code === 'EACCES') throw new CliError(`not allowed to listen on port ${port}: choose a port above 1023 with --port`);
    throw error;
  }
}
