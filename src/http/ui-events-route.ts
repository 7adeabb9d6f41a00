/**
 * GET /ui/events: the browser's live-update stream (server-sent events) for a signed-in
 * session, filtered by role in the hub (agents only hear about themselves).
 */
import type { FastifyInstance } from 'fastify';
import type { Session } from '../auth/session-store.ts';
import type { UiEventHub } from '../web/ui-event-hub.ts';
import type { SessionAuth } from './session-auth.ts';
import { openEventStream } from './event-stream.ts';

/** A client that stops reading for this much buffered output is dropped (it reconnects). */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export function registerUiEventsRoute(
  app: FastifyInstance,
  deps: { auth: SessionAuth; hub: UiEventHub; agentCodeOf(sessionId: string): string | null; connected?(session: Session): Promise<void> },
): void {
  app.get('/ui/events', { preHandler: deps.auth.require(['agent', 'supervisor', 'admin']) }, async (request, reply) => {
    const session = deps.auth.sessionOf(request)!;
    if (session.role === 'agent') await deps.connected?.(session);
    const raw = openEventStream(reply);
    const remove = deps.hub.add(
      session.id,
      { role: session.role, agentCode: () => deps.agentCodeOf(session.id) },
      {
        write(text) {
          if (raw.destroyed || raw.writableEnded) return false;
          raw.write(text);
          return raw.writableLength < MAX_BUFFERED_BYTES;
        },
        close() {
          if (!raw.writableEnded) raw.end();
        },
      },
    );
    request.raw.on('close', remove);
  });
}
