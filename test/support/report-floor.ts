/**
 * A small known floor for report tests (Asia/Ho_Chi_Minh, UTC+7): two campaigns, two agents,
 * nine ended attempts over two days, plus a refused leg and a call still up (neither counted).
 * Hand-computed figures are in test/integration/reports.test.ts.
 */
import { expect } from 'vitest';
import type { ReportedStatus } from '../../src/domain/disposition.ts';
import type { Store } from '../../src/ports/store.ts';
import { answered, attemptEnd, contacts, createRunning, dial, exhausted, retryAt, SECOND } from '../contract/store-conformance/fixtures.ts';

/** A local wall-clock time in Ho Chi Minh City (UTC+7, no daylight saving). */
export const local = (day: number, hour: number, minute: number) => Date.UTC(2025, 5, day, hour - 7, minute);

interface Leg {
  campaign: number;
  contact: number;
  attempt: number;
  at: number;
  status: ReportedStatus;
  agent?: string;
  connectedAfter?: number;
  endedAfter: number;
}

/** The floor: talk = end − connect for bridged calls. */
export const LEGS: Leg[] = [
  { campaign: 1, contact: 1, attempt: 1, at: local(2, 8, 10), status: 'ANSWERED', agent: 'A01', connectedAfter: 10, endedAfter: 130 }, // talk 120
  { campaign: 1, contact: 2, attempt: 1, at: local(2, 8, 20), status: 'NO ANSWER', endedAfter: 30 },
  { campaign: 1, contact: 3, attempt: 1, at: local(2, 8, 40), status: 'ABANDONED', endedAfter: 5 },
  { campaign: 1, contact: 4, attempt: 1, at: local(2, 9, 5), status: 'ANSWERED', agent: 'A02', connectedAfter: 5, endedAfter: 305 }, // talk 300
  { campaign: 1, contact: 5, attempt: 1, at: local(2, 9, 15), status: 'BUSY', endedAfter: 20 },
  { campaign: 2, contact: 1, attempt: 1, at: local(2, 8, 30), status: 'ANSWERED', agent: 'A01', connectedAfter: 15, endedAfter: 195 }, // talk 180
  { campaign: 2, contact: 2, attempt: 1, at: local(2, 8, 50), status: 'FAILED', endedAfter: 1 },
  { campaign: 2, contact: 3, attempt: 1, at: local(2, 9, 30), status: 'ABANDONED', endedAfter: 4 },
  { campaign: 1, contact: 2, attempt: 2, at: local(3, 10, 0), status: 'ANSWERED', agent: 'A01', connectedAfter: 20, endedAfter: 80 }, // talk 60, next day
];

export async function seedReportFloor(store: Store): Promise<void> {
  await createRunning(store, 1, contacts(1, 2, 3, 4, 5, 6), { startsAt: local(2, 7, 0), endsAt: local(4, 7, 0) });
  await createRunning(store, 2, contacts(1, 2, 3), { startsAt: local(2, 7, 0), endsAt: local(4, 7, 0) });
  for (const leg of LEGS) {
    const callId = await dial(store, leg.campaign, leg.contact, leg.attempt, leg.at);
    if (leg.connectedAfter !== undefined) {
      await store.progressAttempt(callId, { state: 'answered', at: leg.at + leg.connectedAfter * SECOND });
      await store.progressAttempt(callId, { state: 'connected', at: leg.at + leg.connectedAfter * SECOND, agentCode: leg.agent!, stationId: '101' });
    }
    const end = attemptEnd(leg.campaign, leg.contact, callId, leg.status, leg.at, leg.at + leg.endedAfter * SECOND, leg.status === 'ANSWERED' ? answered : leg.attempt === 1 && leg.contact === 2 ? retryAt(local(3, 9, 0)) : exhausted);
    expect(await store.endAttempt({ ...end, agentCode: leg.agent ?? null, stationId: leg.agent ? '101' : null })).toBe(true);
  }
  // Not attempts a report counts: a leg the carrier never took, and a call still up.
  const refused = await dial(store, 1, 6, 1, local(2, 9, 40));
  await store.unplaceAttempt(refused, local(2, 9, 40), local(2, 9, 41), 'pbx down');
  await dial(store, 1, 6, 1, local(2, 9, 45));
}

