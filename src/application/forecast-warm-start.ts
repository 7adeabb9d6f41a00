/**
 * The forecast's pacing starts where the campaign's pacing is: the campaign's calls so far are
 * replayed, in time order, as engine events into the fresh pacing statistics. Without it a
 * predictive campaign would be forecast as if it had just started, dialling 1:1 while it
 * learns, and finish later than it will.
 */
import type { AttemptRecord } from '../domain/campaign.ts';
import { EngineEvents } from '../engine/engine-events.ts';
import type { Pacing } from '../engine/pacing/create-pacing.ts';

export function warmStartPacing(pacing: Pick<Pacing, 'observe' | 'stats'>, attempts: readonly AttemptRecord[], group: string, wrapUpSeconds: number): void {
  const ended = attempts.filter((a) => a.state === 'ended' && a.endedAt !== null && a.status !== null && a.status !== 'DNC');
  if (ended.length === 0) return;
  const replay = new EngineEvents();
  const off = pacing.observe(replay);
  const steps: { at: number; seq: number; emit: () => void }[] = [];
  let seq = 0;
  const step = (at: number, emit: () => void) => steps.push({ at, seq: seq++, emit });
  for (const a of ended) {
    const { callId, campaignId, contactId } = a;
    pacing.stats.assign(campaignId, group);
    step(a.startedAt, () => replay.emit('call:placed', { callId, campaignId, contactId, attemptNo: a.attemptNo, at: a.startedAt }));
    if (a.answeredAt !== null) step(a.answeredAt, () => replay.emit('call:answered', { callId, campaignId, at: a.answeredAt! }));
    const agentCode = a.status === 'ANSWERED' ? (a.agentCode ?? `agent-${callId}`) : null;
    if (a.connectedAt !== null && agentCode) step(a.connectedAt, () => replay.emit('call:connected', { callId, campaignId, contactId, agentCode, at: a.connectedAt! }));
    step(a.endedAt!, () => replay.emit('call:ended', { callId, campaignId, contactId, status: a.status!, agentCode, at: a.endedAt!, waitedMs: null }));
    if (agentCode && a.connectedAt !== null) {
      // Wrap-up as the forecast assumes it, after each call the agent took.
      step(a.endedAt!, () => replay.emit('agent:state', { agentCode, activity: 'wrap-up', at: a.endedAt! }));
      step(a.endedAt! + wrapUpSeconds * 1000, () => replay.emit('agent:state', { agentCode, activity: 'idle', at: a.endedAt! + wrapUpSeconds * 1000 }));
    }
  }
  steps.sort((x, y) => x.at - y.at || x.seq - y.seq);
  for (const s of steps) s.emit();
  off();
}
