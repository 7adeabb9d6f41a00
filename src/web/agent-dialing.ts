/**
 * The desk's side of preview and manual dial, and the contact context of the call panel.
 *
 * - The contact offered to a desk agent (preview) is shown with its number, its attempts and
 *   its CRM page, framed when the CRM allows it (the same framing check as a connected call),
 *   before any call; Call and Skip go to the engine, which checks compliance again.
 * - A leg placed for the agent (preview Call, countdown, manual dial) is shown while it rings;
 *   one that ends unanswered leaves its outcome on the desk until the next offer or call. A
 *   preview leg carries the offered contact's CRM page and its framing verdict, so the page
 *   stays in front of the agent from the offer through the ringing (also in the moment between
 *   Call and the leg being placed, shown as dialling) instead of disappearing until the answer.
 * - A contact's previous attempts (time, status, agent, note, disposition) are given to an
 *   agent only for a contact of its own offer, outbound leg or desk call.
 */
import { SKIP_REASONS } from '../engine/preview-offers.ts';
import type { AgentDialResult } from '../engine/agent-dial-result.ts';
import type { Engine } from '../engine/engine.ts';
import type { ReportedStatus } from '../domain/disposition.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Store } from '../ports/store.ts';
import type { FrameProbe, ProbeResult } from './frame-probe.ts';

export interface DeskOffer {
  campaignId: number;
  contactId: number;
  phoneNumber: string;
  linkedit: string | null;
  framing: ProbeResult | 'checking';
  /** Attempts already made to this contact. */
  attempts: number;
  offeredAt: number;
  /** When the countdown dials by itself (null: no countdown). */
  autoDialAt: number | null;
  skipReasons: readonly string[];
}

/** A leg placed for this agent and not connected yet, or the outcome of the last one that never was. */
export interface DeskOutbound {
  callId: string;
  kind: 'preview' | 'manual';
  campaignId: number | null;
  contactId: number | null;
  phoneNumber: string;
  startedAt: number;
  state: 'dialing' | 'ringing' | 'answered' | 'ended';
  /** Once ended without reaching the agent: NOANSWER, BUSY, FAILED… */
  status: ReportedStatus | null;
  /** The called contact's CRM page, carried over from its preview offer (null for a manual call). */
  linkedit: string | null;
  framing: ProbeResult | 'checking';
}

export interface ContactAttemptView {
  callId: string;
  attemptNo: number;
  startedAt: number;
  endedAt: number | null;
  status: string | null;
  agentCode: string | null;
  note: string | null;
  disposition: string | null;
}

export interface AgentDialingDeps {
  engine: Pick<Engine, 'events' | 'liveCall' | 'reservedLeg' | 'previewOffer' | 'previewCall' | 'previewSkip' | 'manualDial' | 'hangupCall'>;
  store: Pick<Store, 'listAttempts'>;
  clock: Clock;
  logger: Logger;
  probe: FrameProbe;
  /** Origin the framing check assumes for the desk. */
  publicOrigin: string;
  notify(agentCode: string): void;
}

interface Framed {
  key: string;
  framing: ProbeResult | 'checking';
}

/** The offered contact's page, kept from the offer for the leg that calls it. */
interface ContactPage {
  key: string;
  phoneNumber: string;
  linkedit: string | null;
  framed: Framed;
}

/** Between Call and the leg being placed (a store write and the PBX); past this it is not shown. */
const PLACING_MS = 15_000;

const HISTORY_LIMIT = 50;

export function createAgentDialing(deps: AgentDialingDeps) {
  const { engine } = deps;
  const log = deps.logger.child({ component: 'agent-dialing' });
  /** Framing of each agent's current offer, keyed by campaign/contact. */
  const framing = new Map<string, Framed>();
  /** The page of each agent's current offer. */
  const offered = new Map<string, ContactPage>();
  /** An offer the agent called whose leg is not placed yet. */
  const placing = new Map<string, ContactPage & { campaignId: number; contactId: number; since: number }>();
  /** The agent each reserved leg was placed for, while it is up, with the called contact's page. */
  const legs = new Map<string, { agentCode: string; phoneNumber: string; startedAt: number; page: ContactPage | null }>();
  /** The last leg of each agent that ended before reaching it. */
  const lastUnanswered = new Map<string, DeskOutbound>();

  const offerKey = (campaignId: number, contactId: number) => `${campaignId}/${contactId}`;

  function probeOffer(agentCode: string): void {
    const offer = engine.previewOffer(agentCode);
    if (!offer) return;
    const key = offerKey(offer.campaignId, offer.contactId);
    if (!offer.linkEdit) {
      const entry: Framed = { key, framing: 'unknown' };
      framing.set(agentCode, entry);
      offered.set(agentCode, { key, phoneNumber: offer.phoneNumber, linkedit: null, framed: entry });
      return;
    }
    const entry: Framed = { key, framing: 'checking' };
    framing.set(agentCode, entry);
    offered.set(agentCode, { key, phoneNumber: offer.phoneNumber, linkedit: offer.linkEdit, framed: entry });
    deps.probe
      .probe(offer.linkEdit, deps.publicOrigin)
      .then((result) => {
        entry.framing = result;
        // Also while the called offer's leg rings: the page is still on the desk.
        if (framing.get(agentCode) === entry || pageOf(agentCode)?.framed === entry) deps.notify(agentCode);
      })
      .catch((error) => log.warn({ agentCode, err: String(error) }, 'framing check of the offered page failed'));
  }

  /** The contact page of the agent's leg being placed or ringing, if it called an offer. */
  function pageOf(agentCode: string): ContactPage | null {
    const call = engine.reservedLeg(agentCode);
    if (call) return legs.get(call.callId)?.page ?? null;
    return placing.get(agentCode) ?? null;
  }

  function outboundOf(agentCode: string): DeskOutbound | null {
    const call = engine.reservedLeg(agentCode);
    if (call) {
      const page = legs.get(call.callId)?.page ?? null;
      return {
        callId: call.callId,
        kind: call.manual ? 'manual' : 'preview',
        campaignId: call.manual ? null : call.campaignId,
        contactId: call.manual ? null : call.contactId,
        phoneNumber: call.phoneNumber,
        startedAt: call.startedAt,
        state: call.state === 'ringing' ? 'ringing' : call.state === 'answered' ? 'answered' : 'dialing',
        status: null,
        linkedit: page?.linkedit ?? null,
        framing: page?.framed.framing ?? 'unknown',
      };
    }
    const called = placing.get(agentCode);
    if (called && deps.clock.now() - called.since < PLACING_MS) {
      return {
        callId: `placing-${called.key}`,
        kind: 'preview',
        campaignId: called.campaignId,
        contactId: called.contactId,
        phoneNumber: called.phoneNumber,
        startedAt: called.since,
        state: 'dialing',
        status: null,
        linkedit: called.linkedit,
        framing: called.framed.framing,
      };
    }
    return lastUnanswered.get(agentCode) ?? null;
  }

  return {
    attach(): () => void {
      const offs = [
        engine.events.on('preview:offered', ({ agentCode }) => {
          lastUnanswered.delete(agentCode);
          placing.delete(agentCode);
          probeOffer(agentCode);
          deps.notify(agentCode);
        }),
        engine.events.on('preview:ended', ({ agentCode, campaignId, contactId, outcome, at }) => {
          framing.delete(agentCode);
          const page = offered.get(agentCode);
          offered.delete(agentCode);
          // Called: its leg is being placed; the page stays meanwhile.
          if (outcome === 'called' && page?.key === offerKey(campaignId, contactId)) {
            placing.set(agentCode, { ...page, campaignId, contactId, since: at });
            lastUnanswered.delete(agentCode);
          }
          deps.notify(agentCode);
        }),
        engine.events.on('call:placed', ({ callId, campaignId, contactId }) => {
          const call = engine.liveCall(callId);
          if (!call?.reservedFor) return;
          const called = placing.get(call.reservedFor);
          placing.delete(call.reservedFor);
          const page = !call.manual && called?.key === offerKey(campaignId, contactId) ? called : null;
          legs.set(callId, { agentCode: call.reservedFor, phoneNumber: call.phoneNumber, startedAt: call.startedAt, page });
          lastUnanswered.delete(call.reservedFor);
          deps.notify(call.reservedFor);
        }),
        engine.events.on('call:ringing', ({ callId }) => {
          const leg = legs.get(callId);
          if (leg) deps.notify(leg.agentCode);
        }),
        engine.events.on('call:connected', ({ callId }) => {
          legs.delete(callId);
        }),
        engine.events.on('call:ended', ({ callId, status, campaignId, contactId }) => {
          const leg = legs.get(callId);
          if (!leg) return;
          legs.delete(callId);
          lastUnanswered.set(leg.agentCode, {
            callId,
            kind: campaignId === 0 ? 'manual' : 'preview',
            campaignId: campaignId === 0 ? null : campaignId,
            contactId: campaignId === 0 ? null : contactId,
            phoneNumber: leg.phoneNumber,
            startedAt: leg.startedAt,
            state: 'ended',
            status,
            linkedit: leg.page?.linkedit ?? null,
            framing: leg.page?.framed.framing ?? 'unknown',
          });
          deps.notify(leg.agentCode);
        }),
        engine.events.on('call:not-placed', ({ callId, campaignId, contactId }) => {
          const leg = legs.get(callId);
          legs.delete(callId);
          if (leg) deps.notify(leg.agentCode);
          for (const [agentCode, called] of placing) {
            if (called.key === offerKey(campaignId, contactId)) (placing.delete(agentCode), deps.notify(agentCode));
          }
        }),
      ];
      return () => offs.forEach((off) => off());
    },

    /** What the desk shows of preview and manual dial for this agent. */
    view(agentCode: string): { offer: DeskOffer | null; outbound: DeskOutbound | null } {
      const offer = engine.previewOffer(agentCode);
      let desk: DeskOffer | null = null;
      if (offer) {
        const key = offerKey(offer.campaignId, offer.contactId);
        let framed = framing.get(agentCode);
        if (!framed || framed.key !== key) {
          probeOffer(agentCode);
          framed = framing.get(agentCode);
        }
        desk = {
          campaignId: offer.campaignId,
          contactId: offer.contactId,
          phoneNumber: offer.phoneNumber,
          linkedit: offer.linkEdit,
          framing: framed?.framing ?? 'unknown',
          attempts: offer.attempts,
          offeredAt: offer.offeredAt,
          autoDialAt: offer.autoDialAt,
          skipReasons: SKIP_REASONS,
        };
      }
      return { offer: desk, outbound: outboundOf(agentCode) };
    },

    async call(agentCode: string): Promise<AgentDialResult> {
      return engine.previewCall(agentCode);
    },

    async skip(agentCode: string, reason: unknown, note: unknown): Promise<AgentDialResult> {
      return engine.previewSkip(agentCode, reason, note);
    },

    async dial(agentCode: string, number: unknown): Promise<AgentDialResult> {
      const result = await engine.manualDial(agentCode, number);
      return result;
    },

    /** Hangs up the agent's leg still ringing (the agent changed its mind). False when there is none. */
    async hangupOutbound(agentCode: string): Promise<boolean> {
      const call = engine.reservedLeg(agentCode);
      if (!call) return false;
      await engine.hangupCall(call.callId);
      return true;
    },

    /** Whether this agent may see this contact: its offer, its ringing leg, or its desk call. */
    mayView(agentCode: string, campaignId: number, contactId: number, deskCall: { campaignId: number; contactId: number } | null): boolean {
      const offer = engine.previewOffer(agentCode);
      if (offer && offer.campaignId === campaignId && offer.contactId === contactId) return true;
      if (deskCall && deskCall.campaignId === campaignId && deskCall.contactId === contactId) return true;
      const out = outboundOf(agentCode);
      return out !== null && out.campaignId === campaignId && out.contactId === contactId;
    },

    async history(campaignId: number, contactId: number): Promise<ContactAttemptView[]> {
      const attempts = await deps.store.listAttempts({ campaignId, contactId, limit: HISTORY_LIMIT });
      return attempts
        .filter((a) => a.state !== 'unplaced')
        .sort((a, b) => b.startedAt - a.startedAt)
        .map((a) => ({
          callId: a.callId,
          attemptNo: a.attemptNo,
          startedAt: a.startedAt,
          endedAt: a.endedAt,
          status: a.status ?? a.state,
          agentCode: a.agentCode,
          note: a.note,
          disposition: (a as { disposition?: string | null }).disposition ?? null,
        }));
    },
  };
}

export type AgentDialing = ReturnType<typeof createAgentDialing>;
