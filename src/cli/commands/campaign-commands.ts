/** `ccs send`, `demo-campaign`, `close`, `status`, `contacts` and `attempts`. */
import { readFileSync } from 'node:fs';
import { formatContractDatetime } from '../../domain/local-time.ts';
import { datetimeOption, idArgument, intOption, stateOption } from '../args.ts';
import { CliError, usageError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { contactsFromCsv } from '../csv-contacts.ts';
import { formatWindow } from '../format.ts';
import { attemptsView, campaignsView, campaignView, contactsView } from '../views.ts';

type Reply = { campaignid: number | null; status: number };
type Body = { campaignid?: unknown; starttime?: unknown; endtime?: unknown; contact?: unknown };

const CSV_ONLY = ['campaign-id', 'start', 'end', 'typeid'] as const;

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message}`);
  }
}

function accepted(ctx: CommandContext, reply: Reply, body: Body): void {
  const count = Array.isArray(body.contact) ? body.contact.length : 0;
  ctx.show(reply, () => {
    const window = typeof body.starttime === 'string' && typeof body.endtime === 'string' ? `, window ${formatWindow(body.starttime, body.endtime)}` : '';
    return `Campaign ${reply.campaignid} accepted: ${count} contact${count === 1 ? '' : 's'}${window}.\nFollow it with: ccs status ${reply.campaignid}`;
  });
}

export async function send(ctx: CommandContext): Promise<void> {
  const file = ctx.args[0]!;
  const { options } = ctx;
  let body: Body;
  if (file.toLowerCase().endsWith('.csv')) {
    const missing = CSV_ONLY.filter((o) => o !== 'typeid' && options[o] === undefined);
    if (missing.length) throw usageError(`send ${file} needs ${missing.map((o) => `--${o}`).join(', ')}; usage: ccs send ${file} --campaign-id <id> --start "YYYY-MM-DD HH:MM:SS" --end "YYYY-MM-DD HH:MM:SS"`);
    const campaignid = idArgument('--campaign-id', String(options['campaign-id']));
    const starttime = datetimeOption(options, 'start');
    const endtime = datetimeOption(options, 'end');
    const typeid = options.typeid === undefined ? undefined : intOption(options, 'typeid', 0, 0, Number.MAX_SAFE_INTEGER);
    body = { campaignid, starttime, endtime, ...(typeid !== undefined ? { typeid } : {}), contact: contactsFromCsv(readText(file), file) };
  } else {
    const given = CSV_ONLY.filter((o) => options[o] !== undefined);
    if (given.length) throw usageError(`${given.map((o) => `--${o}`).join(', ')} ${given.length === 1 ? 'is' : 'are'} only for CSV files: ${file} is sent as it is, a contract body carrying its own campaignid, starttime and endtime`);
    const text = readText(file);
    try {
      body = JSON.parse(text) as Body;
    } catch (error) {
      throw new CliError(`${file} is not JSON (${(error as Error).message}); ccs send takes a contract body (.json) or contacts (.csv)`);
    }
  }
  accepted(ctx, await ctx.client.post<Reply>('/api/sendCampaign', body, { timeoutMs: 300_000 }), body);
}

export async function demoCampaign(ctx: CommandContext): Promise<void> {
  // A campaign with a window starting now, whose contact pages are served by `ccs crm-receiver`.
  const { timeZone, crmUrl } = ctx.config;
  const count = intOption(ctx.options, 'limit', 20, 1, 100_000);
  const id = ctx.options['campaign-id'] !== undefined ? idArgument('--campaign-id', String(ctx.options['campaign-id'])) : (Math.floor(Date.now() / 1000) % 1_000_000) + 1;
  const now = Date.now();
  const body = {
    campaignid: id,
    starttime: formatContractDatetime(now, timeZone),
    endtime: formatContractDatetime(now + 2 * 3600_000, timeZone),
    contact: Array.from({ length: count }, (_, i) => ({ id: i + 1, phonenumber: `09${String(12345600 + i * 7).padStart(8, '0')}`, linkedit: `${crmUrl}/contact/${i + 1}` })),
  };
  accepted(ctx, await ctx.client.post<Reply>('/api/sendCampaign', body), body);
}

export async function close(ctx: CommandContext): Promise<void> {
  const id = idArgument('campaign id', ctx.args[0]);
  const reply = await ctx.client.post<{ campaignid: number; result: 'closed' | 'already' }>(`/ops/campaigns/${id}/close`);
  ctx.show(reply, () =>
    reply.result === 'closed'
      ? `Campaign ${id} closed: no new calls; calls with a customer end normally, then the CRM gets finishCampaign.`
      : `Campaign ${id} was already closed or finished.`,
  );
}

export async function status(ctx: CommandContext): Promise<void> {
  if (ctx.args[0] !== undefined) {
    const id = idArgument('campaign id', ctx.args[0]);
    const campaign = await ctx.client.get<Record<string, unknown>>(`/ops/campaigns/${id}`);
    return ctx.show(campaign, () => campaignView(campaign));
  }
  const state = stateOption(ctx.options, ['scheduled', 'running', 'stopping', 'finished'], true);
  const limit = intOption(ctx.options, 'limit', 100, 1, 500);
  const data = await ctx.client.get<{ campaigns: Record<string, unknown>[] }>(`/ops/campaigns?limit=${limit}${state ? `&state=${state}` : ''}`);
  ctx.show(data, () => campaignsView(data));
}

export async function contacts(ctx: CommandContext): Promise<void> {
  const id = idArgument('campaign id', ctx.args[0]);
  const state = stateOption(ctx.options, ['pending', 'dialing', 'final']);
  const limit = intOption(ctx.options, 'limit', 1000, 1, 5000);
  const data = await ctx.client.get<{ contacts: Record<string, unknown>[] }>(`/ops/campaigns/${id}/contacts?limit=${limit}${state ? `&state=${state}` : ''}`);
  ctx.show(data, () => contactsView(data));
}

export async function attempts(ctx: CommandContext): Promise<void> {
  const id = idArgument('campaign id', ctx.args[0]);
  const contact = ctx.options.contact !== undefined ? idArgument('--contact', String(ctx.options.contact)) : undefined;
  const limit = intOption(ctx.options, 'limit', 1000, 1, 5000);
  const data = await ctx.client.get<{ attempts: Record<string, unknown>[] }>(`/ops/campaigns/${id}/attempts?limit=${limit}${contact !== undefined ? `&contactId=${contact}` : ''}`);
  ctx.show(data, () => attemptsView(data));
}
