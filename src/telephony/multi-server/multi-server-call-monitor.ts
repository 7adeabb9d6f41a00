/**
 * Call monitoring over several Asterisk servers: one monitor per server. A session begins on
 * the server that holds the call: each is asked in turn, and one that does not have the call
 * refuses it as not connected (its bridge is not there), so the next is asked. From then on the
 * session's changes and its end go to that server.
 */
import type { MonitorMode } from '../../domain/monitoring-session.ts';
import { MonitorRefusal, type CallMonitor, type MonitorRequest } from '../../ports/call-monitor.ts';

export function createMultiServerCallMonitor(monitors: readonly CallMonitor[]): CallMonitor {
  const sessions = new Map<string, CallMonitor>();
  return {
    name: 'asterisk',

    async start(listener) {
      await Promise.all(
        monitors.map((m) =>
          m.start((event) => {
            if (event.type === 'ended') sessions.delete(event.sessionId);
            listener(event);
          }),
        ),
      );
    },

    async stop() {
      sessions.clear();
      await Promise.allSettled(monitors.map((m) => m.stop()));
    },

    async begin(request: MonitorRequest) {
      let refusal: unknown = new MonitorRefusal('not-connected', `call ${request.callId} is not connected on any Asterisk server`);
      for (const monitor of monitors) {
        try {
          sessions.set(request.sessionId, monitor);
          await monitor.begin(request);
          return;
        } catch (error) {
          sessions.delete(request.sessionId);
          // Not this server's call (or this server is down): ask the next. A down server's
          // refusal ('unavailable') says more than the others' 'not-connected'.
          if (!(error instanceof MonitorRefusal)) throw error;
          if (error.code !== 'not-connected') refusal = error;
        }
      }
      throw refusal;
    },

    async change(sessionId: string, mode: MonitorMode) {
      const monitor = sessions.get(sessionId);
      if (!monitor) throw new MonitorRefusal('unknown-session', `no monitoring session ${sessionId}`);
      await monitor.change(sessionId, mode);
    },

    async end(sessionId: string) {
      const monitor = sessions.get(sessionId);
      sessions.delete(sessionId);
      await monitor?.end(sessionId);
    },
  };
}
