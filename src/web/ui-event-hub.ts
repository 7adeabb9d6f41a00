/**
 * Live updates for the browser (server-sent events): engine events fanned out to every open
 * UI stream, filtered by who is watching. Supervisors and admins see the whole floor; an agent
 * sees only its own state and its own calls (never another agent's or a campaign's), plus the
 * `desk` notices of its desktop. A `beat` event every `heartbeatMs` keeps proxies from closing
 * idle streams and lets the page notice a lost service (no beat for a few seconds); a stream
 * whose client stops reading is dropped (the browser reconnects).
 */
import type { AccountRole } from '../auth/accounts.ts';
import type { EngineEventMap, EngineEvents } from '../engine/engine-events.ts';
import type { Clock, TimerHandle } from '../ports/clock.ts';

export type UiEvent = { [K in keyof EngineEventMap]: { type: K } & EngineEventMap[K] }[keyof EngineEventMap] | { type: 'desk'; agentCode: string };

export interface Audience {
  role: AccountRole;
  /** The agent code the watcher holds at the desktop, if any (read at each event). */
  agentCode(): string | null;
}

/** Whether `audience` may see `event`. */
export function visibleTo(event: UiEvent, audience: Audience): boolean {
  if (audience.role === 'supervisor' || audience.role === 'admin') return event.type !== 'desk';
  if (event.type === 'driver:state') return true;
  const own = audience.agentCode();
  if (own === null) return false;
  switch (event.type) {
    case 'agent:state':
    case 'desk':
      return event.agentCode === own;
    case 'call:connected':
    case 'call:ended':
      return event.agentCode === own;
    default:
      return false;
  }
}

export interface UiStreamSink {
  /** Writes raw SSE text; returns false when the client is not keeping up. */
  write(text: string): boolean;
  close(): void;
}

interface Subscriber {
  sessionId: string;
  audience: Audience;
  sink: UiStreamSink;
}

const FORWARDED: (keyof EngineEventMap)[] = [
  'campaign:started',
  'campaign:stopping',
  'campaign:finished',
  'campaign:control',
  'agent:group',
  'call:placed',
  'call:ringing',
  'call:answered',
  'call:connected',
  'call:ended',
  'contact:skipped',
  'agent:state',
  'callback:queued',
  'driver:state',
];

export function createUiEventHub(deps: { events: EngineEvents; clock: Clock; heartbeatMs?: number }) {
  const subscribers = new Set<Subscriber>();
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  let heartbeat: TimerHandle | null = null;
  let offs: (() => void)[] = [];

  const deliver = (subscriber: Subscriber, text: string) => {
    if (!subscriber.sink.write(text)) drop(subscriber);
  };
  const drop = (subscriber: Subscriber) => {
    if (subscribers.delete(subscriber)) subscriber.sink.close();
  };
  const publish = (event: UiEvent) => {
    const text = `data: ${JSON.stringify(event)}\n\n`;
    for (const s of [...subscribers]) if (visibleTo(event, s.audience)) deliver(s, text);
  };
  const beat = () => {
    heartbeat = deps.clock.setTimer(heartbeatMs, () => {
      for (const s of [...subscribers]) deliver(s, `event: beat\ndata: {}\n\n`);
      beat();
    });
  };

  return {
    attach(): void {
      offs = FORWARDED.map((name) => deps.events.on(name, (payload) => publish({ type: name, ...payload } as UiEvent)));
      beat();
    },
    /** Adds an open stream; returns the function that removes it. */
    add(sessionId: string, audience: Audience, sink: UiStreamSink): () => void {
      const subscriber = { sessionId, audience, sink };
      subscribers.add(subscriber);
      deliver(subscriber, `retry: 3000\ndata: ${JSON.stringify({ type: 'hello' })}\n\n`);
      return () => {
        subscribers.delete(subscriber);
      };
    },
    /** Tells an agent's desktops that their state changed. */
    desk(agentCode: string): void {
      publish({ type: 'desk', agentCode });
    },
    /** Ends every stream of a session (it signed out). */
    closeSession(sessionId: string): void {
      for (const s of [...subscribers]) if (s.sessionId === sessionId) drop(s);
    },
    streamsOf(sessionId: string): number {
      let n = 0;
      for (const s of subscribers) if (s.sessionId === sessionId) n++;
      return n;
    },
    close(): void {
      for (const off of offs) off();
      offs = [];
      heartbeat?.cancel();
      heartbeat = null;
      for (const s of [...subscribers]) drop(s);
    },
  };
}

export type UiEventHub = ReturnType<typeof createUiEventHub>;
