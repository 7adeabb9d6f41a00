/**
 * CCS over two Asterisk servers (two scripted Asterisks on loopback, real time), one of them
 * stopped mid-campaign. Judged from the CRM's side: every update arrives before the finish,
 * no contact is in two calls at once, no contact gets more attempts than allowed, the calls
 * the stopped server held are reported, and the calls placed after it stopped all went to the
 * other one. Started again, the server's agents are back and it takes calls again.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock/system-clock.ts';
import { formatContractDatetime, parseContractDatetime } from '../../../src/domain/local-time.ts';
import { ScriptedAri } from '../../support/ari-replay/scripted-ari.ts';
import { startCallbackReceiver } from '../../support/callback-receiver.ts';
import { waitFor } from '../../support/crm-receiver.ts';
import { startService } from '../../support/service-harness.ts';

const TZ = 'Asia/Ho_Chi_Minh';
const MAX_ATTEMPTS = 3;
/** Customers answer after 1 s and hang up 3 s later (…5), ring until the ring timeout (…2), or are busy (…1); see scripted-model.ts. */
const numbers = Array.from({ length: 12 }, (_, i) => `0914${String(100000 + i * 10 + [5, 2, 5, 1][i % 4]!)}`);

const timeOf = (datetime: string): number => {
  const at = parseContractDatetime(datetime, TZ);
  if (at === null) throw new Error(`not a contract datetime: ${datetime}`);
  return at;
};

/** Customer channels a scripted Asterisk was asked to create, in order. */
const createdCalls = (ari: ScriptedAri) => ari.requests.filter((r) => r.method === 'POST' && r.url.pathname === '/ari/channels/create').map((r) => r.url.searchParams.get('channelId') ?? '');

describe('two Asterisk servers, one stopped mid-campaign', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });

  it('the CRM gets every update before the finish, attempts stay within the limit, and new calls go to the server left', async () => {
    const a = await ScriptedAri.start({ clock: systemClock, agents: { '9001': 'answers', '9002': 'answers' } });
    const b = await ScriptedAri.start({ clock: systemClock, agents: { '9003': 'answers', '9004': 'answers' } });
    cleanups.push(() => b.close(), () => a.close());
    const crm = await startCallbackReceiver();
    cleanups.push(() => crm.close());
    const configDir = mkdtempSync(join(tmpdir(), 'ccs-two-servers-'));
    cleanups.push(async () => rmSync(configDir, { recursive: true, force: true }));
    writeFileSync(join(configDir, 'ccs.config.json'), JSON.stringify({ defaultProfile: { ringTimeoutSeconds: 5, dialMode: 'progressive' } }));
    const server = (name: string, ari: ScriptedAri, agents: string[]) => ({ name, url: ari.url, user: ari.user, password: ari.password, app: ari.app, agents });
    const svc = await startService('sqlite', {
      CCS_CRM_URL: crm.url,
      CCS_CONFIG: join(configDir, 'ccs.config.json'),
      CCS_TELEPHONY: 'asterisk',
      CCS_ARI_SERVERS: JSON.stringify([server('a', a, ['Agent/9001', 'Agent/9002']), server('b', b, ['Agent/9003', 'Agent/9004'])]),
      CCS_ARI_SERVER_DOWN_SECONDS: '2',
      CCS_AGENTS: 'Agent/9001=PJSIP/9001,Agent/9002=PJSIP/9002,Agent/9003=PJSIP/9003,Agent/9004=PJSIP/9004',
      CCS_AGENT_WRAPUP_SECONDS: '0',
      CCS_RETRY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      CCS_RETRY_DELAY_SECONDS: '1',
    });
    cleanups.push(() => svc.stop());
    await waitFor(() => svc.service.engine.agents().filter((x) => x.online).length === 4, 15_000);

    const now = Date.now();
    const sent = await svc.request('POST', '/api/sendCampaign', {
      body: {
        campaignid: 601,
        starttime: formatContractDatetime(now - 1000, TZ),
        endtime: formatContractDatetime(now + 30 * 60_000, TZ),
        contact: numbers.map((phonenumber, i) => ({ id: i + 1, phonenumber })),
      },
    });
    expect(sent.json).toEqual({ campaignid: 601, status: 1 });

    // Stop A while one of its customers is talking to an agent and another one's phone rings.
    const customersOnA = () => [...a.channels.values()].filter((ch) => ch.kind === 'customer');
    await waitFor(() => customersOnA().some((ch) => ch.bridge !== null) && customersOnA().some((ch) => !ch.answered), 30_000);
    const onA = new Set(createdCalls(a));
    const talkingOnA = customersOnA().filter((ch) => ch.bridge !== null).map((ch) => ch.id);
    const ringingOnA = customersOnA().filter((ch) => !ch.answered).map((ch) => ch.id);
    const stoppedAt = Date.now();
    await a.stop({ silently: true });
    const placedOnBBefore = createdCalls(b).length;

    await waitFor(() => svc.service.engine.agents().filter((x) => x.online).map((x) => x.agentCode).sort().join() === 'Agent/9003,Agent/9004', 10_000);
    const finish = await waitFor(() => crm.accepted().some((r) => r.path === '/api/finishCampaign'), 200_000).then(() => crm.accepted().find((r) => r.path === '/api/finishCampaign')!);

    const accepted = crm.accepted();
    const updates = accepted.filter((r) => r.path === '/api/updateCampaign').map((r) => JSON.parse(r.body));
    expect(accepted.filter((r) => r.path === '/api/updateCampaign').every((u) => accepted.indexOf(u) < accepted.indexOf(finish))).toBe(true);

    // Each attempt reported once, every contact final, none over the limit.
    const callIds = updates.map((u) => u.callid as string);
    expect(new Set(callIds).size).toBe(callIds.length);
    const byContact = new Map<number, any[]>();
    for (const u of updates) byContact.set(u.contact_id, [...(byContact.get(u.contact_id) ?? []), u]);
    expect([...byContact.keys()].sort((x, y) => x - y)).toEqual(numbers.map((_, i) => i + 1));
    for (const [, list] of byContact) {
      expect(list.length).toBeLessThanOrEqual(MAX_ATTEMPTS);
      // Never two calls of one contact at once (whole seconds: one may end in the second the next starts).
      const spans = list.map((u) => [timeOf(u.starttime), timeOf(u.endtime)] as const).sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    }
    const answered = new Set(updates.filter((u) => u.status === 'ANSWERED').map((u) => u.contact_id));
    expect(JSON.parse(finish.body)).toEqual({ campaignid: 601, status: 'completed', contact_total: numbers.length, contact_success: answered.size });

    // The call talking on A when it stopped is reported answered, with its agent of A.
    for (const id of talkingOnA) {
      expect(updates.find((u) => u.callid === id)).toMatchObject({ status: 'ANSWERED', agentcode: expect.stringMatching(/^Agent\/900[12]$/) });
    }
    // One ringing on A when it stopped is reported not reached (FAILED) and its contact tried again.
    for (const id of ringingOnA) {
      const update = updates.find((u) => u.callid === id);
      expect(update).toMatchObject({ status: 'FAILED', answertime: null, agentcode: null });
      const later = byContact.get(update.contact_id)!.filter((u) => timeOf(u.starttime) > timeOf(update.starttime));
      if (byContact.get(update.contact_id)!.length < MAX_ATTEMPTS) expect(later.length).toBeGreaterThan(0);
    }
    // Every call went to the server of its agent; after A stopped, all new calls went to B.
    const onB = new Set(createdCalls(b));
    expect(createdCalls(b).length).toBeGreaterThan(placedOnBBefore);
    for (const u of updates) {
      expect(onA.has(u.callid) || onB.has(u.callid)).toBe(true);
      if (u.agentcode) expect(u.agentcode).toMatch(onA.has(u.callid) ? /^Agent\/900[12]$/ : /^Agent\/900[34]$/);
      if (timeOf(u.starttime) > stoppedAt + 1000) expect(onB.has(u.callid)).toBe(true);
    }
    expect(svc.service.engine.liveCalls()).toEqual([]);

    // A comes back: its agents are on the floor again and it takes calls.
    await a.start();
    await waitFor(() => svc.service.engine.agents().filter((x) => x.online).length === 4, 20_000);
    const second = await svc.request('POST', '/api/sendCampaign', {
      body: { campaignid: 602, starttime: formatContractDatetime(Date.now() - 1000, TZ), endtime: formatContractDatetime(Date.now() + 30 * 60_000, TZ), contact: [1, 2, 3, 4].map((id) => ({ id, phonenumber: `091420000${id}5` })) },
    });
    expect(second.json).toEqual({ campaignid: 602, status: 1 });
    await waitFor(() => createdCalls(a).some((id) => id.startsWith('ccs-602-')), 20_000);
  }, 300_000);
});
