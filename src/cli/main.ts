/**
 * The `ccs` command line. `serve` runs the service; the other commands talk to a running
 * service over HTTP (`--url`, default http://127.0.0.1:$CCS_PORT or 8080; `--token` or
 * CCS_OPERATOR_TOKEN for the operator API).
 */
import { readFileSync } from 'node:fs';
import { parseCommandLine } from './args.ts';
import { contactsFromCsv } from './csv-contacts.ts';
import { startCrmReceiver } from './crm-receiver.ts';

const HELP = `ccs — Call Center Service

  ccs serve                                  run the service (same as npm start)
  ccs send <campaign.json>                   send a campaign body as the CRM would
  ccs send <contacts.csv> --campaign-id N --start "YYYY-MM-DD HH:MM:SS" --end "…" [--typeid N]
  ccs demo-campaign [--limit 20] [--campaign-id N]  send a demo campaign running from now (contact pages on CCS_CRM_URL)
  ccs close <campaignid>                     close a campaign (the contract's closeCampaign)
  ccs status [campaignid]                    campaigns with counts, or one campaign
  ccs contacts <campaignid> [--state pending|dialing|final]
  ccs attempts <campaignid> [--contact N]    attempts per contact
  ccs calls                                  live calls
  ccs agents                                 agents and their state
  ccs outbox [--state pending|dead|delivered]
  ccs outbox stats
  ccs outbox replay <id> | --all             replay dead callbacks
  ccs crm-receiver [--port 9090] [--fail 0.2] a stand-in CRM that prints the callbacks
  ccs hash-password [password]               scrypt hash for "accounts" in the config file (stdin without an argument)

Options: --url http://127.0.0.1:8080   --token <operator token>   --json (raw output)`;

export async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(argv);
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (command === 'serve') {
    const { serve } = await import('../main.ts');
    return serve();
  }
  if (command === 'hash-password') {
    const { hashPasswordCommand } = await import('../auth/hash-password.ts');
    return hashPasswordCommand(rest);
  }
  if (command === 'crm-receiver') {
    const port = Number(values.port ?? 9090);
    await startCrmReceiver(port, Number(values.fail ?? 0));
    process.stdout.write(`stand-in CRM listening on http://127.0.0.1:${port} (set CCS_CRM_URL=http://127.0.0.1:${port})\n`);
    return;
  }

  const base = (values.url ?? process.env.CCS_URL ?? `http://127.0.0.1:${process.env.CCS_PORT ?? 8080}`).replace(/\/+$/, '');
  const token = values.token ?? process.env.CCS_OPERATOR_TOKEN;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let data: unknown = text;
    try {
      data = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    if (!response.ok) {
      process.stderr.write(`${method} ${path} → ${response.status}\n${typeof data === 'string' ? data : JSON.stringify(data, null, 2)}\n`);
      process.exitCode = 1;
      return null;
    }
    return data;
  };
  const print = (data: unknown) => {
    if (data !== null) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  };
  const needId = () => {
    const id = rest[0];
    if (!id || !/^\d+$/.test(id)) throw new Error(`${command}: give a numeric campaign id`);
    return id;
  };

  switch (command) {
    case 'send': {
      const file = rest[0];
      if (!file) throw new Error('send: give a JSON or CSV file');
      const text = readFileSync(file, 'utf8');
      let body: unknown;
      if (file.toLowerCase().endsWith('.csv')) {
        if (!values['campaign-id'] || !values.start || !values.end) throw new Error('send <file.csv> needs --campaign-id, --start and --end');
        body = {
          campaignid: Number(values['campaign-id']),
          starttime: values.start,
          endtime: values.end,
          ...(values.typeid ? { typeid: Number(values.typeid) } : {}),
          contact: contactsFromCsv(text),
        };
      } else body = JSON.parse(text);
      return print(await call('POST', '/api/sendCampaign', body));
    }
    case 'demo-campaign': {
      // A campaign with a window starting now, whose contact pages are served by `ccs crm-receiver`.
      const { formatContractDatetime } = await import('../domain/local-time.ts');
      const zone = process.env.CCS_TIMEZONE ?? 'Asia/Ho_Chi_Minh';
      const crm = process.env.CCS_CRM_URL || 'http://127.0.0.1:9090';
      const count = Number(values.limit ?? 20);
      const id = Number(values['campaign-id'] ?? Math.floor(Date.now() / 1000) % 1_000_000);
      const now = Date.now();
      return print(
        await call('POST', '/api/sendCampaign', {
          campaignid: id,
          starttime: formatContractDatetime(now, zone),
          endtime: formatContractDatetime(now + 2 * 3600_000, zone),
          contact: Array.from({ length: count }, (_, i) => ({ id: i + 1, phonenumber: `09${String(12345600 + i * 7).padStart(8, '0')}`, linkedit: `${crm}/contact/${i + 1}` })),
        }),
      );
    }
    case 'close':
      return print(await call('GET', `/api/closeCampaign/${needId()}`));
    case 'status':
      return print(await call('GET', rest[0] ? `/ops/campaigns/${needId()}` : `/ops/campaigns${values.state ? `?state=${values.state}` : ''}`));
    case 'contacts':
      return print(await call('GET', `/ops/campaigns/${needId()}/contacts?limit=${values.limit ?? 1000}${values.state ? `&state=${values.state}` : ''}`));
    case 'attempts':
      return print(await call('GET', `/ops/campaigns/${needId()}/attempts?limit=${values.limit ?? 1000}${values.contact ? `&contactId=${values.contact}` : ''}`));
    case 'calls':
      return print(await call('GET', '/ops/calls/live'));
    case 'agents':
      return print(await call('GET', '/ops/agents'));
    case 'outbox': {
      if (rest[0] === 'stats') return print(await call('GET', '/ops/outbox/stats'));
      if (rest[0] === 'replay') {
        if (values.all) return print(await call('POST', '/ops/outbox/replay-dead'));
        if (!rest[1]) throw new Error('outbox replay: give a callback id or --all');
        return print(await call('POST', `/ops/outbox/${rest[1]}/replay`));
      }
      return print(await call('GET', `/ops/outbox?limit=${values.limit ?? 100}${values.state ? `&state=${values.state}` : ''}`));
    }
    default:
      throw new Error(`unknown command ${command}; see ccs --help`);
  }
}
