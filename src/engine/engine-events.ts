/**
 * What the engine tells the rest of the service (metrics, the live dashboard, tests): a small
 * typed event map over node's EventEmitter.
 */
import { EventEmitter } from 'node:events';
import type { FinishStatus } from '../domain/campaign.ts';
import type { ReportedStatus } from '../domain/disposition.ts';
import type { AgentActivity } from './agent-pool.ts';

export interface EngineEventMap {
  'campaign:started': { campaignId: number; at: number };
  'campaign:stopping': { campaignId: number; status: FinishStatus; at: number };
  'campaign:finished': { campaignId: number; status: FinishStatus; at: number };
  /** A supervisor paused, resumed or re-paced the campaign (campaign-controls.ts). */
  'campaign:control': { campaignId: number; action: string; at: number };
  /** A supervisor moved the agent to another group. */
  'agent:group': { agentCode: string; group: string; at: number };
  'call:placed': { callId: string; campaignId: number; contactId: number; attemptNo: number; at: number };
  /** The driver refused the leg: nothing was dialled, the attempt was given back (no `call:ended` follows). */
  'call:not-placed': { callId: string; campaignId: number; contactId: number; reason: string; at: number };
  'call:ringing': { callId: string; campaignId: number; at: number };
  'call:answered': { callId: string; campaignId: number; at: number };
  'call:connected': { callId: string; campaignId: number; contactId: number; agentCode: string; at: number };
  'call:ended': { callId: string; campaignId: number; contactId: number; status: ReportedStatus; agentCode: string | null; at: number; waitedMs: number | null; holdMs?: number };
  /** A call control changed the call (hold, mute, consult, transfer, conference): these agents' desks show it. */
  'call:control': { callId: string; agentCodes: string[]; at: number };
  'contact:skipped': { campaignId: number; contactId: number; reason: string; at: number };
  /** A preview contact was offered to an agent (`ended`: called, skipped or withdrawn). */
  'preview:offered': { agentCode: string; campaignId: number; contactId: number; at: number };
  'preview:ended': { agentCode: string; campaignId: number; contactId: number; outcome: 'called' | 'skipped' | 'withdrawn'; reason: string | null; at: number };
  /** An agent's manual call request: placed (with its call id) or refused with the reason. */
  'manual:requested': { agentCode: string; number: string; callId: string | null; refused: string | null; at: number };
  'agent:state': { agentCode: string; activity: AgentActivity; at: number };
  'callback:queued': { campaignId: number };
  'driver:state': { state: 'up' | 'down'; reason?: string };
}

export class EngineEvents {
  private emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  emit<K extends keyof EngineEventMap>(name: K, payload: EngineEventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  on<K extends keyof EngineEventMap>(name: K, listener: (payload: EngineEventMap[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
