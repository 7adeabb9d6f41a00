/**
 * The wallboard for a TV: one snapshot of the floor (agents by state, live calls, answer and
 * abandon figures of the active campaigns with their abandon target, scheduled callbacks due,
 * the CRM callback backlog), pushed to every open wallboard stream when the floor changes
 * (at most every 500 ms) and every 2 s (times in state, deliveries). One snapshot serves every
 * screen. It carries agent codes and campaign ids, never a customer's number or contact.
 *
 * Streams opened with a kiosk link are tied to that link: revoking it ends them at once (a
 * `revoked` event, then the end of the stream), and each 2 s pass also ends the streams of
 * links revoked elsewhere (another process, the database) and of sessions that ended.
 */
import type { OperatorViews } from '../application/operator-views.ts';
import type { KioskLinkRecords } from '../auth/kiosk-links.ts';
import type { EngineEventMap } from '../engine/engine-events.ts';
import type { Engine } from '../engine/engine.ts';
import type { CallbackStore } from '../ports/callback-store.ts';
import type { Clock, TimerHandle } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Store } from '../ports/store.ts';

export interface WallboardSnapshot {
  at: number;
  agents: { agentcode: string; group: string; state: string; secondsInState: number }[];
  calls: { campaignid: number; state: string; agentcode: string | null; answeredAt: string | null; seconds: number }[];
  campaigns: { campaignid: number; state: string; abandonTarget: number | null; counts: { contactTotal: number; contactsFinal: number; attemptsByStatus: Record<string, number> } }[];
  callbacks: { due: number; nextHour: number } | null;
  crm: { pending: number; dead: number; oldestPendingAgeSeconds: number | null };
}

export interface WallboardSink {
  write(text: string): boolean;
  close(): void;
}

export interface WallboardDeps {
  engine: Engine;
  store: Store;
  views: OperatorViews;
  callbacks?: CallbackStore;
  links: KioskLinkRecords;
  clock: Clock;
  logger: Logger;
}

const CHANGE_EVENTS: (keyof EngineEventMap)[] = ['campaign:started', 'campaign:stopping', 'campaign:finished', 'call:placed', 'call:answered', 'call:connected', 'call:ended', 'agent:state'];
const PUSH_EVERY_MS = 2000;
const CHANGE_DELAY_MS = 500;
const HOUR_MS = 3600_000;

export async function wallboardSnapshot(deps: Pick<WallboardDeps, 'engine' | 'store' | 'views' | 'callbacks' | 'clock'>): Promise<WallboardSnapshot> {
  const now = deps.clock.now();
  const active = await deps.store.listCampaigns({ states: ['running', 'stopping'], limit: 200 });
  const campaigns = await Promise.all(active.map(deps.views.campaignView));
  const ids = new Set(active.map((c) => c.id));
  let callbacks: WallboardSnapshot['callbacks'] = null;
  if (deps.callbacks) {
    const scheduled = (await deps.callbacks.listScheduledCallbacks({ limit: 5000 })).filter((c) => c.state === 'scheduled' && ids.has(c.campaignId));
    callbacks = { due: scheduled.filter((c) => c.dueAt <= now).length, nextHour: scheduled.filter((c) => c.dueAt > now && c.dueAt <= now + HOUR_MS).length };
  }
  const crm = deps.views.outboxStatsView(await deps.store.outboxStats());
  return {
    at: now,
    agents: deps.engine
      .agents()
      .map(deps.views.agentView)
      .map((a) => ({ agentcode: a.agentcode, group: a.group, state: a.state, secondsInState: a.secondsInState })),
    calls: deps.engine
      .liveCalls()
      .map(deps.views.liveView)
      .map((l) => ({ campaignid: l.campaignid, state: l.state, agentcode: l.agentcode, answeredAt: l.answeredAt, seconds: l.seconds })),
    campaigns: campaigns.map((c) => ({
      campaignid: c.campaignid,
      state: c.state,
      abandonTarget: c.profile.abandonTarget ?? null,
      counts: { contactTotal: c.counts.contactTotal, contactsFinal: c.counts.contactsFinal, attemptsByStatus: c.counts.attemptsByStatus as Record<string, number> },
    })),
    callbacks,
    crm: { pending: crm.pending, dead: crm.dead, oldestPendingAgeSeconds: crm.oldestPendingAgeSeconds },
  };
}

interface Screen {
  /** The kiosk link it was opened with; null: a signed-in supervisor. */
  linkId: number | null;
  sink: WallboardSink;
  /** Whether the viewer may still watch (a supervisor's session still signed in). */
  allowed: () => boolean;
}

export function createWallboard(deps: WallboardDeps) {
  const screens = new Set<Screen>();
  const logger = deps.logger.child({ component: 'wallboard' });
  let ticker: TimerHandle | null = null;
  let soon: TimerHandle | null = null;
  let offs: (() => void)[] = [];
  let failing = false;

  const send = (screen: Screen, text: string) => {
    if (!screen.sink.write(text)) drop(screen);
  };
  const drop = (screen: Screen) => {
    if (screens.delete(screen)) screen.sink.close();
  };
  const endLink = (linkId: number) => {
    for (const s of [...screens]) if (s.linkId === linkId) (send(s, 'event: revoked\ndata: {}\n\n'), drop(s));
  };

  const push = async () => {
    if (screens.size === 0) return;
    // Sessions that ended (signed out, expired) stop watching; so do links revoked by another process.
    for (const s of [...screens]) if (!s.allowed()) drop(s);
    if ([...screens].some((s) => s.linkId !== null)) {
      const live = new Set(await deps.links.activeIds().catch(() => null) ?? [...screens].map((s) => s.linkId));
      for (const s of [...screens]) if (s.linkId !== null && !live.has(s.linkId)) endLink(s.linkId);
    }
    try {
      const text = `data: ${JSON.stringify({ type: 'wallboard', ...(await wallboardSnapshot(deps)) })}\n\n`;
      failing = false;
      for (const s of [...screens]) send(s, text);
    } catch (error) {
      if (!failing) logger.warn({ err: String((error as Error)?.message ?? error) }, 'wallboard snapshot failed (tried again in 2 s)');
      failing = true;
    }
  };
  const tick = () => {
    ticker = deps.clock.setTimer(PUSH_EVERY_MS, () => {
      void push().finally(tick);
    });
  };
  const changed = () => {
    if (soon || screens.size === 0) return;
    soon = deps.clock.setTimer(CHANGE_DELAY_MS, () => {
      soon = null;
      void push();
    });
  };

  return {
    attach(): void {
      offs = CHANGE_EVENTS.map((name) => deps.engine.events.on(name, changed));
      tick();
    },
    /** Adds a screen and sends it the floor at once; returns the function that removes it. */
    add(linkId: number | null, sink: WallboardSink, allowed: () => boolean = () => true): () => void {
      const screen = { linkId, sink, allowed };
      screens.add(screen);
      send(screen, `retry: 3000\ndata: ${JSON.stringify({ type: 'hello' })}\n\n`);
      void wallboardSnapshot(deps).then(
        (snapshot) => screens.has(screen) && send(screen, `data: ${JSON.stringify({ type: 'wallboard', ...snapshot })}\n\n`),
        () => undefined,
      );
      return () => {
        screens.delete(screen);
      };
    },
    /** A link was revoked: its screens are told and their streams end. */
    revoked(linkId: number): void {
      endLink(linkId);
    },
    screensOf(linkId: number | null): number {
      let n = 0;
      for (const s of screens) if (s.linkId === linkId) n++;
      return n;
    },
    close(): void {
      for (const off of offs) off();
      offs = [];
      ticker?.cancel();
      soon?.cancel();
      ticker = soon = null;
      for (const s of [...screens]) drop(s);
    },
  };
}

export type Wallboard = ReturnType<typeof createWallboard>;
