/**
 * Read models for operators (read API, CLI, dashboard): campaigns with their counts, contacts,
 * attempts, live calls, agents and the outbox, with times in the contract's local format.
 */
import type { AttemptRecord, CampaignRecord, ContactRecord } from '../domain/campaign.ts';
import { formatContractDatetime } from '../domain/local-time.ts';
import type { Profile } from '../domain/profile.ts';
import { withOverride } from '../domain/campaign-control.ts';
import type { CampaignControl } from '../ports/campaign-control-store.ts';
import type { AgentStatus } from '../engine/agent-pool.ts';
import type { LiveCall } from '../engine/live-calls.ts';
import type { CallbackRecord, OutboxStats, Store } from '../ports/store.ts';

export interface ViewDeps {
  store: Store;
  timeZone: string;
  now(): number;
  profileOf(campaign: Pick<CampaignRecord, 'typeId'>): Profile;
  liveCalls(): LiveCall[];
  recordingUrl(key: string, now: number): string;
  /** A supervisor's pause and pacing override of the campaign (campaign-controls.ts), if any. */
  controlOf?(campaignId: number): CampaignControl | undefined;
  /** The contact a preview campaign offers the agent (reserved with no call yet), if any. */
  previewOf?(agentCode: string): { campaignId: number; contactId: number } | undefined;
}

export function createOperatorViews(deps: ViewDeps) {
  const t = (ms: number | null) => (ms === null ? null : formatContractDatetime(ms, deps.timeZone));

  const campaignView = async (c: CampaignRecord) => {
    const counts = await deps.store.countCampaign(c.id);
    const own = deps.profileOf(c);
    const control = deps.controlOf?.(c.id);
    // The pacing the campaign dials with: the supervisor's override on top of its profile.
    const profile = withOverride(own, control);
    const answered = counts.attemptsByStatus.ANSWERED ?? 0;
    const abandoned = counts.attemptsByStatus.ABANDONED ?? 0;
    return {
      campaignid: c.id,
      typeid: c.typeId,
      state: c.state,
      finishStatus: c.finishStatus,
      starttime: t(c.startsAt),
      endtime: t(c.endsAt),
      receivedAt: t(c.receivedAt),
      startedAt: t(c.startedAt),
      stoppedAt: t(c.stoppedAt),
      finishedAt: t(c.finishedAt),
      profile: { name: profile.name, dialMode: profile.dialMode, powerRatio: profile.powerRatio, abandonTarget: profile.abandonTarget, agentGroup: profile.agentGroup, purpose: profile.purpose, ruleSet: profile.ruleSet },
      control: control
        ? {
            paused: control.paused,
            dialMode: control.dialMode,
            powerRatio: control.powerRatio,
            abandonTarget: control.abandonTarget,
            updatedAt: t(control.updatedAt),
            updatedBy: control.updatedBy,
            profileDefaults: { dialMode: own.dialMode, powerRatio: own.powerRatio, abandonTarget: own.abandonTarget },
          }
        : null,
      counts,
      abandonRate: answered + abandoned === 0 ? 0 : abandoned / (answered + abandoned),
      liveCalls: deps.liveCalls().filter((l) => l.campaignId === c.id).length,
      extra: c.extra,
    };
  };

  const contactView = (c: ContactRecord) => ({
    contactId: c.contactId,
    phonenumber: c.phoneNumber,
    linkedit: c.linkEdit,
    state: c.state,
    outcome: c.outcome,
    attempts: c.attempts,
    nextAttemptAt: c.state === 'pending' ? t(c.nextAttemptAt) : null,
    lastStatus: c.lastStatus,
    waitReason: c.waitReason,
    extra: c.extra,
  });

  const attemptView = (a: AttemptRecord) => ({
    callid: a.callId,
    contactId: a.contactId,
    attemptNo: a.attemptNo,
    number: a.dialNumber,
    state: a.state,
    status: a.status,
    agentcode: a.agentCode,
    station_id: a.stationId,
    starttime: t(a.startedAt),
    answertime: t(a.answeredAt),
    connectedAt: t(a.connectedAt),
    endtime: t(a.endedAt),
    duration: a.endedAt === null ? null : Math.floor(a.endedAt / 1000) - Math.floor(a.startedAt / 1000),
    cause: a.cause,
    // A deleted recording's link would only answer 410: say when it went instead.
    recording: a.recordingKey && !a.recordingDeletedAt ? deps.recordingUrl(a.recordingKey, deps.now()) : null,
    recordingDeletedAt: t(a.recordingDeletedAt ?? null),
    note: a.note,
    disposition: a.disposition ?? null,
    dispositionBy: a.dispositionBy ?? null,
    dispositionAt: t(a.dispositionAt ?? null),
    audit: a.audit,
  });

  const liveView = (l: LiveCall) => ({
    callid: l.callId,
    campaignid: l.campaignId,
    contactId: l.contactId,
    attemptNo: l.attemptNo,
    phonenumber: l.phoneNumber,
    state: l.waitingSince !== null ? 'waiting-for-agent' : l.state,
    agentcode: l.agentCode,
    startedAt: t(l.startedAt),
    answeredAt: t(l.answeredAt),
    connectedAt: t(l.connectedAt),
    seconds: Math.max(0, Math.round((deps.now() - l.startedAt) / 1000)),
  });

  const agentView = (a: AgentStatus) => ({
    agentcode: a.agentCode,
    station_id: a.stationId,
    group: a.group,
    state: a.shift.state,
    pauseReason: a.pauseReason,
    since: t(a.since),
    secondsInState: Math.max(0, Math.round((deps.now() - a.since) / 1000)),
    callid: a.callId,
    callsTaken: a.callsTaken,
    preview: previewView(a.agentCode),
  });

  const previewView = (agentCode: string) => {
    const offer = deps.previewOf?.(agentCode);
    return offer ? { campaignid: offer.campaignId, contactId: offer.contactId } : null;
  };

  const callbackView = (c: CallbackRecord) => ({
    id: c.id,
    campaignid: c.campaignId,
    kind: c.kind,
    idempotencyKey: c.idempotencyKey,
    state: c.state,
    attempts: c.attempts,
    createdAt: t(c.createdAt),
    nextAttemptAt: c.state === 'pending' ? t(c.nextAttemptAt) : null,
    deliveredAt: t(c.deliveredAt),
    lastError: c.lastError,
    payload: JSON.parse(c.payload) as unknown,
  });

  const outboxStatsView = (s: OutboxStats) => ({
    ...s,
    oldestPendingAt: t(s.oldestPendingAt),
    oldestPendingAgeSeconds: s.oldestPendingAt === null ? null : Math.round((deps.now() - s.oldestPendingAt) / 1000),
  });

  return { campaignView, contactView, attemptView, liveView, agentView, callbackView, outboxStatsView };
}

export type OperatorViews = ReturnType<typeof createOperatorViews>;
