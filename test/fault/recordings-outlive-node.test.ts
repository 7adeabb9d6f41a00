/**
 * Recordings outlive their node: two CCS processes on one PostgreSQL database share one
 * recordings folder (CCS_RECORDINGS_DIR, on NFS or the like in production) and one signing
 * secret (CCS_SIGNING_SECRET). The link the dialing node put in an update downloads through the
 * other node, whole and by range, after the node that handed it out was killed; a link signed
 * with another secret does not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startCallbackReceiver } from '../support/callback-receiver.ts';
import { killAllCcs, startCcs, waitFor } from '../support/ccs-process.ts';
import { dialingNode, nodeEnv, sendCampaign, updatesOf } from '../support/cluster-floor.ts';
import { createPostgresDatabase } from '../support/databases.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await killAllCcs();
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(killAllCcs);

describe('recordings on a folder every node shares', () => {
  it('a link handed out by one node downloads through another (whole and by range) after the first is gone', async () => {
    const db = await createPostgresDatabase();
    cleanups.push(() => db.drop());
    const crm = await startCallbackReceiver();
    cleanups.push(() => crm.close());
    const shared = mkdtempSync(join(tmpdir(), 'ccs-shared-recordings-'));
    cleanups.push(() => rmSync(shared, { recursive: true, force: true }));
    const settings = { leaseSeconds: 4, maxAttempts: 1, crmUrl: crm.url, cleanups };
    const answerEveryCall = { CCS_RECORDINGS_DIR: shared, CCS_SIM_ANSWER_RATE: '1', CCS_SIM_BUSY_RATE: '0', CCS_SIM_TALK_SECONDS: '1-2' };
    const nodeA = await startCcs(await nodeEnv('node-a', db.url, settings, answerEveryCall));
    const nodeB = await startCcs(await nodeEnv('node-b', db.url, settings, answerEveryCall));
    const logs = () => [nodeA, nodeB].map((n) => n.output()).join('\n----\n');
    expect(await dialingNode(nodeB)).toBe('node-a');

    await sendCampaign(nodeB, 740, 2);
    const link = await waitFor('an update with a recording link', () => updatesOf(crm, 740).map((u) => JSON.parse(u.body).link_down_record as string).find((l) => l), 30_000, logs);
    // The link names the node that handed it out (its default public address).
    expect(new URL(link).port).toBe(new URL(nodeA.url).port);
    const original = Buffer.from(await (await fetch(link)).arrayBuffer());
    expect(original.length).toBeGreaterThan(44);
    await nodeA.kill9();

    const throughB = new URL(link);
    throughB.host = new URL(nodeB.url).host;
    const whole = await fetch(throughB);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.from(await whole.arrayBuffer()).equals(original)).toBe(true);

    const part = await fetch(throughB, { headers: { range: 'bytes=10-99' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-99/${original.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(original.subarray(10, 100))).toBe(true);

    // Only the shared secret opens it: a signature changed by one character is refused.
    const sig = throughB.searchParams.get('sig')!;
    throughB.searchParams.set('sig', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1));
    expect((await fetch(throughB)).status).toBe(403);
  }, 90_000);
});
