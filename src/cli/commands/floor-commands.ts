/** `ccs calls`, `ccs agents`, `ccs cluster`, and the outbox commands. */
import { idArgument, intOption, stateOption } from '../args.ts';
import { usageError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { agentsView, clusterView, liveCallsView, localOutboxStats, outboxStatsView, outboxView, type OutboxStats } from '../views.ts';

type Rows<K extends string> = Record<K, Record<string, unknown>[]>;

export async function calls(ctx: CommandContext): Promise<void> {
  const data = await ctx.client.get<Rows<'calls'>>('/ops/calls/live');
  ctx.show(data, () => liveCallsView(data));
}

export async function agents(ctx: CommandContext): Promise<void> {
  const data = await ctx.client.get<Rows<'agents'>>('/ops/agents');
  ctx.show(data, () => agentsView(data));
}

export async function cluster(ctx: CommandContext): Promise<void> {
  const data = await ctx.client.get<Rows<'nodes'>>('/ops/cluster');
  ctx.show(data, () => clusterView(data));
}

export async function outbox(ctx: CommandContext): Promise<void> {
  const state = stateOption(ctx.options, ['pending', 'delivered', 'dead']);
  const campaign = ctx.options['campaign-id'] !== undefined ? idArgument('--campaign-id', String(ctx.options['campaign-id'])) : undefined;
  const limit = intOption(ctx.options, 'limit', 100, 1, 1000);
  const data = await ctx.client.get<Rows<'callbacks'>>(`/ops/outbox?limit=${limit}${state ? `&state=${state}` : ''}${campaign !== undefined ? `&campaignId=${campaign}` : ''}`);
  ctx.show(data, () => outboxView(data));
}

export async function outboxStats(ctx: CommandContext): Promise<void> {
  const stats = localOutboxStats(await ctx.client.get<OutboxStats>('/ops/outbox/stats'), ctx.config.timeZone);
  ctx.show(stats, () => outboxStatsView(stats));
}

export async function outboxReplay(ctx: CommandContext): Promise<void> {
  const all = ctx.options.all === true;
  if (all === (ctx.args[0] !== undefined)) throw usageError('outbox replay takes a callback id or --all (ccs outbox --state dead lists the dead callbacks)');
  if (all) {
    const reply = await ctx.client.post<{ replayed: number }>('/ops/outbox/replay-dead');
    return ctx.show(reply, () => `${reply.replayed} dead callback${reply.replayed === 1 ? '' : 's'} queued for delivery again.`);
  }
  const id = idArgument('callback id', ctx.args[0]);
  const reply = await ctx.client.post<{ id: number; state: string }>(`/ops/outbox/${id}/replay`);
  ctx.show(reply, () => `Callback ${id} queued for delivery again.`);
}
