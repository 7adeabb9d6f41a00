/**
 * Stores each agent's wrap-up time with the call it followed, for reports: from the engine's
 * events, the agent's last answered call (`call:ended`) and its time in `wrap-up` (from the
 * `agent:state` that enters it to the one that leaves it, by the ready button, a pause or the
 * timer). A wrap-up still open when the process stops is not recorded. The agent's wrap-up
 * begins when the call ends on the floor, before its end is written; the time is stored after
 * that write (the store keeps it on ended attempts only).
 */
import type { EngineEventMap } from '../engine/engine-events.ts';
import type { Logger } from '../ports/logger.ts';
import type { ReportStore } from '../ports/report-store.ts';

interface EventSource {
  on<K extends keyof EngineEventMap>(name: K, listener: (payload: EngineEventMap[K]) => void): () => void;
}

export function recordWrapUps(
  events: EventSource,
  reports: Pick<ReportStore, 'recordWrapUp'>,
  logger: Logger,
  endWritten: (callId: string) => Promise<void> | undefined = () => undefined,
): () => void {
  const lastCall = new Map<string, string>();
  const open = new Map<string, { callId: string; since: number }>();
  const offs = [
    events.on('call:ended', (e) => {
      if (e.agentCode && e.status === 'ANSWERED') lastCall.set(e.agentCode, e.callId);
    }),
    events.on('agent:state', (e) => {
      const wrapping = open.get(e.agentCode);
      if (e.activity === 'wrap-up') {
        const callId = lastCall.get(e.agentCode);
        if (callId && !wrapping) open.set(e.agentCode, { callId, since: e.at });
        return;
      }
      if (!wrapping) return;
      open.delete(e.agentCode);
      const ms = Math.max(0, e.at - wrapping.since);
      const store = () =>
        reports.recordWrapUp(wrapping.callId, ms).catch((error: unknown) =>
          logger.warn({ err: String(error), callId: wrapping.callId, agentCode: e.agentCode }, 'wrap-up time not stored for reports'),
        );
      const pending = endWritten(wrapping.callId);
      if (pending) void pending.then(store);
      else void store();
    }),
  ];
  return () => offs.forEach((off) => off());
}
