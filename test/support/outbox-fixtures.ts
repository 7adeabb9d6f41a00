/**
 * Writing callback rows through the store API, the way the service does: a campaign with
 * contacts (`createCampaign`), an ended call per update (`beginAttempt` + `endAttempt`),
 * and the finish (`finishCampaign`). Also a bounded real-time wait for I/O-driven tests.
 */
import { createHash } from 'node:crypto';
import { attemptCallId, updateCampaignPayload, type FinishCampaignPayload, type UpdateCampaignPayload } from '../../src/domain/callbacks.ts';
import type { ContactRequest } from '../../src/domain/campaign-request.ts';
import type { Store } from '../../src/ports/store.ts';

export const TEST_TIME_ZONE = 'Asia/Ho_Chi_Minh';

export function testContacts(count: number): ContactRequest[] {
  return Array.from({ length: count }, (_, i) => {
    const phone = `0912${String(100000 + i).padStart(6, '0')}`;
    return { contactId: i + 1, phoneNumber: phone, dialNumber: phone, linkEdit: null, extra: null };
  });
}

/** A campaign with contacts 1..contactCount, received at `at`. */
export async function createTestCampaign(store: Store, campaignId: number, contactCount: number, at: number): Promise<void> {
  const result = await store.createCampaign(
    {
      id: campaignId,
      typeId: null,
      startsAt: at,
      endsAt: at + 24 * 3600_000,
      receivedAt: at,
      contentHash: createHash('sha256').update(`campaign-${campaignId}`).digest('hex'),
      extra: null,
    },
    testContacts(contactCount),
  );
  if (result.outcome !== 'created') throw new Error(`campaign ${campaignId} already exists`);
}

/** One ended, unanswered call of a contact: writes its updateCampaign callback; returns the payload. */
export async function writeUpdateCallback(store: Store, campaignId: number, contactId: number, at: number): Promise<UpdateCampaignPayload> {
  const phone = `0912${String(100000 + contactId - 1).padStart(6, '0')}`;
  const callId = attemptCallId(campaignId, contactId, 1);
  await store.beginAttempt({ callId, campaignId, contactId, attemptNo: 1, dialNumber: phone, startedAt: at - 20_000, audit: null });
  const payload = updateCampaignPayload(
    { campaignId, contactId, phoneNumber: phone },
    { callId, status: 'NO ANSWER', startedAt: at - 20_000, answeredAt: null, endedAt: at, agentCode: null, stationId: null },
    null,
    TEST_TIME_ZONE,
  );
  const ended = await store.endAttempt({
    callId,
    status: 'NO ANSWER',
    endedAt: at,
    answeredAt: null,
    agentCode: null,
    stationId: null,
    cause: 'no-answer',
    recordingKey: null,
    contact: { state: 'final', outcome: 'exhausted', nextAttemptAt: null, waitReason: null },
    callback: payload,
  });
  if (!ended) throw new Error(`attempt ${callId} was already ended`);
  return payload;
}

/** Finishes the campaign as completed, writing its finishCampaign callback; returns the payload. */
export async function writeFinishCallback(store: Store, campaignId: number, at: number): Promise<FinishCampaignPayload> {
  const result = await store.finishCampaign(campaignId, 'completed', at);
  if (result.outcome !== 'finished') throw new Error(`campaign ${campaignId} not finished: ${result.outcome}`);
  return result.callback;
}

/** A campaign with `updates` update callbacks followed by its finish. */
export async function writeCampaignCallbacks(
  store: Store,
  campaignId: number,
  updates: number,
  at: number,
): Promise<{ updates: UpdateCampaignPayload[]; finish: FinishCampaignPayload }> {
  await createTestCampaign(store, campaignId, updates, at);
  const payloads: UpdateCampaignPayload[] = [];
  for (let c = 1; c <= updates; c++) payloads.push(await writeUpdateCallback(store, campaignId, c, at));
  return { updates: payloads, finish: await writeFinishCallback(store, campaignId, at) };
}

/** Polls `predicate` in real time until it holds; throws after `timeoutMs` (I/O-driven waits only, never asserted as durations). */
export async function eventually(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
