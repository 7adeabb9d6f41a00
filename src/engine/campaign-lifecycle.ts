/**
 * Campaign lifecycle (states in src/domain/campaign.ts): timers at `starttime` and `endtime`,
 * `closeCampaign`, and the finish — exactly once, written with its finishCampaign callback.
 *
 * scheduled → running at starttime. running → finished(completed) as soon as every contact is
 * final. At endtime, or on close, → stopping: no new calls, ringing legs hung up, connected
 * calls go on; → finished(expired|closed) when the campaign's last call has ended.
 */
import type { CampaignRecord, FinishStatus } from '../domain/campaign.ts';
import type { TimerHandle } from '../ports/clock.ts';
import type { EngineContext } from './engine-context.ts';

export type CloseResult = 'closed' | 'already' | 'unknown';

export class CampaignLifecycle {
  private timers = new Map<number, TimerHandle[]>();

  constructor(
    private ctx: EngineContext,
    private onRunning: () => void,
  ) {}

  /**
   * Loads every unfinished campaign (start-up), without arming anything: nothing may finish
   * before the attempts left open by the previous run are adopted, or the finish would go
   * out before their updates and without their answers. `arm()` follows the adoption.
   */
  async load(group?: string): Promise<void> {
    const active = await this.ctx.deps.store.listCampaigns({ states: ['scheduled', 'running', 'stopping'], limit: 100_000 });
    for (const c of active) {
      if (!this.ctx.runs(c) || (group !== undefined && this.ctx.groupOf(c) !== group) || this.ctx.campaigns.has(c.id)) continue;
      this.ctx.campaigns.set(c.id, c);
    }
  }

  /**
   * The engine no longer dials the group (another node does): its campaigns' timers stop and
   * they leave memory, with nothing written; the node that dials the group now runs them.
   */
  release(group: string): void {
    for (const c of [...this.ctx.campaigns.values()]) {
      if (this.ctx.groupOf(c) !== group) continue;
      this.cancelTimers(c.id);
      this.ctx.campaigns.delete(c.id);
    }
  }

  /**
   * Looks at the stored campaigns again (another node received or closed one): a campaign of
   * a group this engine dials that it does not run yet is taken up; one stopped elsewhere
   * (closed through another node) stops here too, its ringing legs hung up.
   */
  async sync(): Promise<void> {
    const active = await this.ctx.deps.store.listCampaigns({ states: ['scheduled', 'running', 'stopping'], limit: 100_000 });
    for (const stored of active) {
      if (!this.ctx.runs(stored)) continue;
      const c = this.ctx.campaigns.get(stored.id);
      if (!c) await this.received(stored.id);
      else if (stored.state === 'stopping' && c.state !== 'stopping') await this.stop(stored.id, stored.finishStatus ?? 'closed');
    }
  }

  /** Arms the timers of the loaded campaigns (those a reconciled call has not finished meanwhile). */
  arm(): void {
    for (const c of [...this.ctx.campaigns.values()]) if (!this.timers.has(c.id)) this.track(c);
  }

  async received(id: number): Promise<void> {
    const load = async () => {
      const c = await this.ctx.deps.store.getCampaign(id);
      if (c && c.state !== 'finished' && !this.ctx.campaigns.has(id) && this.ctx.runs(c)) this.track(c);
    };
    // The campaign is stored: a re-send would be acknowledged without reaching here, so a
    // failed read is retried in the background rather than leaving the campaign unarmed.
    await load().catch((error) => {
      this.ctx.writes.failed('campaign load', error, 1, { campaignId: id });
      this.retried('campaign load', id, load);
    });
  }

  /** Timer work and finishes retried until the store takes them (never an unhandled rejection). */
  private retried(what: string, id: number, work: () => Promise<unknown>): void {
    this.ctx.writes.run(what, work, { campaignId: id }).catch((error) => this.ctx.log({ campaignId: id }).info({ err: String(error) }, `${what} left to the next start`));
  }

  private track(c: CampaignRecord): void {
    this.ctx.campaigns.set(c.id, c);
    const { clock } = this.ctx.deps;
    const handles: TimerHandle[] = [];
    if (c.state === 'scheduled') handles.push(clock.setTimer(c.startsAt - clock.now(), () => this.retried('campaign start', c.id, () => this.start(c.id))));
    if (c.state === 'scheduled' || c.state === 'running') handles.push(clock.setTimer(c.endsAt - clock.now(), () => this.retried('campaign expiry', c.id, () => this.expire(c.id))));
    this.timers.set(c.id, handles);
    // A campaign recovered in `stopping` may already have nothing left in flight.
    if (c.state === 'stopping') void this.maybeFinish(c.id);
    if (c.state === 'running') this.onRunning();
  }

  private async start(id: number): Promise<void> {
    await this.ctx.queue.run(`campaign:${id}`, async () => {
      const c = this.ctx.campaigns.get(id);
      if (!c || c.state !== 'scheduled') return;
      let now = this.ctx.deps.clock.now();
      if (!(await this.ctx.deps.store.startCampaign(id, now))) {
        // Refused: a retried start whose first commit went through unacknowledged (a dropped
        // connection) finds the campaign running; memory follows the store.
        const stored = await this.ctx.deps.store.getCampaign(id);
        if (stored?.state !== 'running') return;
        now = stored.startedAt ?? now;
      }
      c.state = 'running';
      c.startedAt = now;
      this.ctx.log({ campaignId: id }).info('campaign started');
      this.ctx.events.emit('campaign:started', { campaignId: id, at: now });
    });
    // Every contact may already be final (e.g. all on a do-not-call list).
    await this.maybeFinish(id);
    this.onRunning();
  }

  private async expire(id: number): Promise<void> {
    const c = this.ctx.campaigns.get(id);
    if (!c || (c.state !== 'running' && c.state !== 'scheduled')) return;
    const open = await this.ctx.deps.store.countOpenContacts(id);
    await this.stop(id, open === 0 && c.state === 'running' ? 'completed' : 'expired');
  }

  async close(id: number): Promise<CloseResult> {
    const c = this.ctx.campaigns.get(id) ?? (await this.ctx.deps.store.getCampaign(id));
    if (!c) return 'unknown';
    if (c.state === 'stopping' || c.state === 'finished') return 'already';
    return (await this.stop(id, 'closed')) ? 'closed' : 'already';
  }

  /** → stopping, then hangs up the campaign's calls that are not yet with a customer. */
  private async stop(id: number, status: FinishStatus): Promise<boolean> {
    const stopped = await this.ctx.queue.run(`campaign:${id}`, async () => {
      let now = this.ctx.deps.clock.now();
      const c = this.ctx.campaigns.get(id);
      if (!(await this.ctx.deps.store.stopCampaign(id, status, now))) {
        // Refused: stopping already. If memory still has it running, an earlier try committed
        // unacknowledged (a dropped connection): memory follows the store and the stop goes on.
        const stored = await this.ctx.deps.store.getCampaign(id);
        if (!c || c.state === 'stopping' || stored?.state !== 'stopping') return false;
        status = stored.finishStatus ?? status;
        now = stored.stoppedAt ?? now;
      }
      if (c) {
        c.state = 'stopping';
        c.finishStatus = status;
        c.stoppedAt = now;
      }
      this.cancelTimers(id);
      this.ctx.log({ campaignId: id }).info({ status }, 'campaign stopping');
      this.ctx.events.emit('campaign:stopping', { campaignId: id, status, at: now });
      return true;
    });
    if (!stopped) return false;
    for (const call of this.ctx.live.ofCampaign(id)) {
      if (call.state === 'dialing' || call.state === 'ringing') {
        call.hangupRequested = true;
        this.ctx.deps.telephony.hangup(call.callId).catch((error) => this.ctx.log({ callId: call.callId }).warn({ err: String(error) }, 'hang-up failed'));
      }
    }
    await this.maybeFinish(id);
    return true;
  }

  /**
   * Finishes the campaign if nothing remains: called after every ended call and state change.
   * Never rejects: a finish the store cannot take now is retried in the background.
   */
  async maybeFinish(id: number): Promise<void> {
    try {
      await this.finishIfDone(id);
    } catch (error) {
      this.ctx.writes.failed('campaign finish', error, 1, { campaignId: id });
      this.retried('campaign finish', id, () => this.finishIfDone(id));
    }
  }

  private async finishIfDone(id: number): Promise<void> {
    const c = this.ctx.campaigns.get(id);
    if (!c) return;
    if (c.state === 'running') {
      if (this.ctx.live.countCampaign(id) > 0) return;
      // A call in wrap-up may still reopen a contact (retry, callback): its disposition comes first.
      if (this.ctx.finishHeld(id)) return;
      if ((await this.ctx.deps.store.countOpenContacts(id)) > 0) return;
      await this.finish(id, 'completed');
    } else if (c.state === 'stopping') {
      if (this.ctx.live.countCampaign(id) > 0) return;
      await this.finish(id, c.finishStatus ?? 'closed');
    }
  }

  private async finish(id: number, status: FinishStatus): Promise<void> {
    await this.ctx.queue.run(`campaign:${id}`, async () => {
      if (!this.ctx.campaigns.has(id)) return;
      const { store, clock } = this.ctx.deps;
      const now = clock.now();
      // The store decides from what it holds: no finish while an attempt is open, totals counted there.
      const result = await store.finishCampaign(id, status, now);
      if (result.outcome === 'open') {
        // The end of the open attempt calls maybeFinish again.
        this.ctx.log({ campaignId: id }).warn({ status, openAttempts: result.openAttempts, openContacts: result.openContacts }, 'campaign not finished yet: attempts still open');
        return;
      }
      this.ctx.campaigns.delete(id);
      this.cancelTimers(id);
      if (result.outcome === 'already') return;
      const { contact_total: contactTotal, contact_success: contactSuccess } = result.callback;
      this.ctx.log({ campaignId: id }).info({ status, contactTotal, contactSuccess }, 'campaign finished');
      this.ctx.events.emit('campaign:finished', { campaignId: id, status, at: now });
      this.ctx.deps.onCallbackQueued();
    });
  }

  private cancelTimers(id: number): void {
    for (const t of this.timers.get(id) ?? []) t.cancel();
    this.timers.delete(id);
  }

  stopAll(): void {
    for (const id of [...this.timers.keys()]) this.cancelTimers(id);
  }
}
