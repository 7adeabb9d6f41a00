/**
 * Legs that never reached the carrier. When the driver refuses a leg (`placeCall` rejects:
 * the PBX is down or refused the channel, a trunk limit, a request that failed), nothing was
 * dialled, so nothing is reported and the attempt is not spent: the attempt row is kept as
 * `unplaced`, the contact goes back to pending with its attempt given back (one transaction,
 * `Store.unplaceAttempt`), and it is placed again later under the same call id.
 *
 * So that a PBX that keeps refusing does not loop hot, two back-offs apply:
 * - the contact is due again after 5 s, doubling per refusal of that contact, at most 5 min;
 * - the dialer pauses after each refusal, 1 s doubling to 60 s while refusals follow each
 *   other, and resumes at full pace after the first leg that is placed. While paused the
 *   guarded driver reports itself not ready to the dialer ("placements refused").
 * The contact stays pending throughout: a campaign whose PBX never recovers ends at its
 * `endtime` as `expired`, with those contacts never reported as called.
 */
import type { HangupCause } from '../domain/disposition.ts';
import type { Clock } from '../ports/clock.ts';
import { isLeaseLost } from '../ports/coordination.ts';
import type { PlaceCallRequest, TelephonyDriver } from '../ports/telephony.ts';
import type { EngineContext } from './engine-context.ts';

export const CONTACT_RETRY_FIRST_MS = 5_000;
export const CONTACT_RETRY_MAX_MS = 5 * 60_000;
export const DIALER_PAUSE_FIRST_MS = 1_000;
export const DIALER_PAUSE_MAX_MS = 60_000;
/** How long a failed write of an unplaced attempt waits before it is tried again. */
const WRITE_RETRY_MS = 2_000;

export interface PlacementGuardHooks {
  /** The leg existed after all (it showed progress): end it as a call. */
  endAsFailed(callId: string, cause: HangupCause, reason: string): void;
  /** The contact is pending again: the campaign may be able to finish, the dialer to go on. */
  released(campaignId: number): void;
}

const backoff = (first: number, max: number, n: number) => Math.min(max, first * 2 ** Math.min(20, Math.max(0, n - 1)));

export class PlacementGuard {
  /** Refusals in a row, any contact; reset by a leg that is placed. */
  private refusalsInRow = 0;
  private pausedUntil = 0;
  private lastReason = '';
  /** Refusals per contact (`campaign/contact`), until one of its legs is placed. */
  private contactRefusals = new Map<string, number>();
  private stopped = false;
  private ctx!: EngineContext;
  private hooks!: PlacementGuardHooks;

  constructor(private clock: Clock) {}

  /** Binds the engine (its context is built over the guarded driver, hence after `guard`). */
  attach(ctx: EngineContext, hooks: PlacementGuardHooks): void {
    this.ctx = ctx;
    this.hooks = hooks;
  }

  /** The driver as the engine sees it: placements counted, not ready while the dialer is paused. */
  guard(driver: TelephonyDriver): TelephonyDriver {
    const clock = this.clock;
    return {
      ...driver,
      name: driver.name,
      start: (listener) => driver.start(listener),
      stop: () => driver.stop(),
      placeCall: async (request: PlaceCallRequest) => {
        await driver.placeCall(request);
        this.refusalsInRow = 0;
        this.contactRefusals.delete(`${request.tags.campaignId}/${request.tags.contactId}`);
      },
      connectAgent: (callId, agent, options) => driver.connectAgent(callId, agent, options),
      abandonCall: (callId) => driver.abandonCall(callId),
      hangup: (callId) => driver.hangup(callId),
      liveCalls: () => driver.liveCalls(),
      signInAgent: (agent) => driver.signInAgent(agent),
      signOutAgent: (agentCode) => driver.signOutAgent(agentCode),
      health: () => {
        const health = driver.health();
        const now = clock.now();
        if (!health.ready || now >= this.pausedUntil) return health;
        return { ready: false, reason: `placements refused (${this.lastReason}); dialling again in ${Math.ceil((this.pausedUntil - now) / 1000)} s` };
      },
    };
  }

  /** `placeCall` rejected for the call: give its attempt back (in the call's queue, after any event of it). */
  refused(callId: string, reason: string): void {
    const now = this.clock.now();
    this.refusalsInRow++;
    this.lastReason = reason;
    this.pausedUntil = Math.max(this.pausedUntil, now + backoff(DIALER_PAUSE_FIRST_MS, DIALER_PAUSE_MAX_MS, this.refusalsInRow));
    void this.ctx.queue.run(`call:${callId}`, () => this.giveBack(callId, reason)).catch((error) =>
      this.ctx.log({ callId }).error({ err: String((error as Error)?.stack ?? error) }, 'unplaced attempt not handled'),
    );
  }

  stop(): void {
    this.stopped = true;
  }

  private async giveBack(callId: string, reason: string): Promise<void> {
    const call = this.ctx.live.get(callId);
    if (!call) return;
    if (call.state !== 'dialing') {
      this.hooks.endAsFailed(callId, 'failed', reason);
      return;
    }
    const { clock, store } = this.ctx.deps;
    const key = `${call.campaignId}/${call.contactId}`;
    const refusals = (this.contactRefusals.get(key) ?? 0) + 1;
    this.contactRefusals.set(key, refusals);
    const log = this.ctx.log({ callId, campaignId: call.campaignId, contactId: call.contactId });
    for (;;) {
      const at = Math.max(clock.now(), call.startedAt);
      const retryAt = at + backoff(CONTACT_RETRY_FIRST_MS, CONTACT_RETRY_MAX_MS, refusals);
      try {
        const given = await store.unplaceAttempt(callId, at, retryAt, `not placed: ${reason}`.slice(0, 500));
        if (!given) {
          // Progress was written meanwhile: the leg existed, so it is a call that failed.
          this.hooks.endAsFailed(callId, 'failed', reason);
          return;
        }
        log.warn({ reason, retryInMs: retryAt - at, refusals }, 'call not placed: attempt given back, contact due again later');
        break;
      } catch (error) {
        if (this.stopped) throw error; // the attempt stays open; the next start reconciles it
        if (isLeaseLost(error)) {
          // Refused for good: the node now holding the group adopts the open attempt (this one
          // too, should it take the group back). The call is no longer this node's to follow.
          log.warn({ reason }, 'agent group lost before the unplaced attempt was written: its holder takes the attempt up');
          if (this.ctx.live.get(callId) === call) this.ctx.live.remove(callId);
          this.ctx.events.emit('call:not-placed', { callId, campaignId: call.campaignId, contactId: call.contactId, reason, at: clock.now() });
          return;
        }
        log.warn({ err: String(error) }, 'unplaced attempt not written; trying again');
        await new Promise<void>((resolve) => clock.setTimer(WRITE_RETRY_MS, resolve));
      }
    }
    call.state = 'ended';
    this.ctx.live.remove(callId);
    this.ctx.events.emit('call:not-placed', { callId, campaignId: call.campaignId, contactId: call.contactId, reason, at: clock.now() });
    this.hooks.released(call.campaignId);
  }
}
