/** What an agent's own dialling (preview Call or Skip, manual dial) answers: done, or refused with why. */

export type AgentDialRefusal =
  | 'no-offer'
  | 'not-ready'
  | 'invalid'
  | 'dnc'
  | 'hours'
  | 'frequency-cap'
  | 'busy-number'
  | 'campaign-stopped'
  | 'campaign-paused'
  | 'contact-gone'
  | 'unavailable'
  | 'store';

export type AgentDialResult = { ok: true; callId: string | null } | { ok: false; refusal: AgentDialRefusal; reason: string };

export const refused = (refusal: AgentDialRefusal, reason: string): AgentDialResult => ({ ok: false, refusal, reason });

/** The refusal a compliance postponement stands for (its reason says which rule). */
export function refusalOfPostpone(reason: string): AgentDialRefusal {
  return reason.startsWith('frequency-cap') ? 'frequency-cap' : 'hours';
}
