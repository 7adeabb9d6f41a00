/** `ccs pause` and `ccs resume`: a supervisor's pause of a campaign (see docs/web-ui.md, campaign control). */
import { idArgument } from '../args.ts';
import type { CommandContext } from '../command-context.ts';
import { fields } from '../format.ts';

interface ControlReply {
  campaignid: number;
  changed: boolean;
  control: { paused: boolean; dialMode: string | null; powerRatio: number | null; abandonTarget: number | null; updatedAt: string; updatedBy: string };
}

const summary = (r: ControlReply) =>
  fields([
    ['Campaign', r.campaignid],
    ['Paused', r.control.paused ? 'yes' : 'no'],
    ['Dial mode', r.control.dialMode ?? '(profile)'],
    ['Changed by', `${r.control.updatedBy} at ${r.control.updatedAt}`],
  ]);

export async function pause(ctx: CommandContext): Promise<void> {
  const id = idArgument('campaign id', ctx.args[0]);
  const reply = await ctx.client.post<ControlReply>(`/ops/campaigns/${id}/pause`);
  ctx.show(reply, () =>
    reply.changed ? `Campaign ${id} paused: no new calls; calls in progress end normally; its endtime still applies.\n${summary(reply)}` : `Campaign ${id} was already paused.\n${summary(reply)}`,
  );
}

export async function resume(ctx: CommandContext): Promise<void> {
  const id = idArgument('campaign id', ctx.args[0]);
  const reply = await ctx.client.post<ControlReply>(`/ops/campaigns/${id}/resume`);
  ctx.show(reply, () => (reply.changed ? `Campaign ${id} resumed: it dials again.\n${summary(reply)}` : `Campaign ${id} was not paused.\n${summary(reply)}`));
}
