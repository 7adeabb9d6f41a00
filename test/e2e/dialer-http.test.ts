/**
 * End to end through HTTP on the real clock: a campaign sent with POST /api/sendCampaign is
 * dialled on a fast simulated floor, every attempt reaches a real CRM receiver as one
 * updateCampaign with the 13 fields and the null rules of decision 3.7, finishCampaign comes
 * after all of them with the right totals, and every `link_down_record` downloads a WAV.
 * Then the recording links themselves: valid, tampered, expired, ranges.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { DISPOSITIONS } from '../../src/domain/disposition.ts';
import { formatContractDatetime, parseContractDatetime } from '../../src/domain/local-time.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { createLinkSigner } from '../../src/recordings/signed-links.ts';
import { createService, type Service } from '../../src/service.ts';
import { freePort, startCallbackReceiver, type CallbackReceiver } from '../support/callback-receiver.ts';

const TZ = 'Asia/Ho_Chi_Minh';
const SECRET = 'e2e-recording-secret';
const CAMPAIGN = 7001;
const FIELDS = [
  'agentcode',
  'answertime',
  'callid',
  'campaignid',
  'contact_id',
  'duration',
  'endtime',
  'link_down_record',
  'phonenumber',
  'ringtime',
  'starttime',
  'station_id',
  'status',
].sort();
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const PHONES = ['0987654321', '0912 345 678', '+84903111222', '0987.000.111', '0933444555', '0977666888', '0911222333', '0966777999'];

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, limitMs: number): Promise<T> {
  const stop = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > stop) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const seconds = (text: string) => parseContractDatetime(text, TZ)! / 1000;

describe('dialling end to end through HTTP (simulated floor, real clock)', () => {
  let dataDir: string;
  let crm: CallbackReceiver;
  let service: Service;
  let base: string;
  let updates: { body: Record<string, any>; key: string | undefined; index: number }[] = [];
  let finish: { body: Record<string, any>; key: string | undefined; index: number };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ccs-e2e-'));
    crm = await startCallbackReceiver();
    const port = await freePort(); // a known port, so the recording links name it
    // Customers who never pick up ring out after 5 s instead of the default 25 s.
    writeFileSync(join(dataDir, 'ccs.config.json'), JSON.stringify({ defaultProfile: { ringTimeoutSeconds: 5 } }));
    const config = loadConfig(
      {
        CCS_CONFIG: join(dataDir, 'ccs.config.json'),
        CCS_PORT: String(port),
        CCS_HOST: '127.0.0.1',
        CCS_PUBLIC_URL: `http://127.0.0.1:${port}`,
        CCS_DATA_DIR: dataDir,
        CCS_CRM_URL: crm.url,
        CCS_LOG_LEVEL: 'silent',
        CCS_SIGNING_SECRET: SECRET,
        CCS_SIM_SEED: '11',
        CCS_SIM_AGENTS: '6',
        CCS_SIM_ANSWER_RATE: '0.5',
        CCS_SIM_BUSY_RATE: '0.2',
        CCS_SIM_CONGESTION_RATE: '0.1',
        CCS_SIM_FAIL_RATE: '0.1',
        CCS_SIM_RING_SECONDS: '1-2',
        CCS_SIM_TALK_SECONDS: '1-2',
        CCS_SIM_WRAPUP_SECONDS: '0',
        CCS_RETRY_MAX_ATTEMPTS: '3',
        CCS_RETRY_DELAY_SECONDS: '1',
      },
      dataDir,
    );
    service = await createService(config, { logger: silentLogger });
    base = await service.start();

    const now = Date.now();
    const response = await fetch(`${base}/api/sendCampaign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        campaignid: CAMPAIGN,
        starttime: formatContractDatetime(now - 1000, TZ),
        endtime: formatContractDatetime(now + 10 * 60_000, TZ),
        typeid: 2,
        contact: PHONES.map((phonenumber, i) => ({ id: i + 1, phonenumber, linkedit: `http://crm.vn/admin/ContactLevelInfo/EditL3/${i + 1}` })),
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ campaignid: CAMPAIGN, status: 1 });

    await until('finishCampaign', () => crm.accepted().find((r) => r.path === '/api/finishCampaign'), 90_000);
    crm.received.forEach((r, index) => {
      if (r.status !== 200) return;
      const entry = { body: JSON.parse(r.body), key: r.headers['idempotency-key'] as string | undefined, index };
      if (r.path === '/api/updateCampaign') updates.push(entry);
      else if (r.path === '/api/finishCampaign') finish = entry;
    });
    // At-least-once on the wire: a repeat carries the same key; keep one per key.
    updates = [...new Map(updates.map((u) => [u.key, u])).values()];
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await crm?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports every attempt once, with its call id as the Idempotency-Key', async () => {
    const attempts = (await (await fetch(`${base}/ops/campaigns/${CAMPAIGN}/attempts?limit=1000`)).json()).attempts as { callid: string; state: string; attemptNo: number }[];
    expect(attempts.every((a) => a.state === 'ended')).toBe(true);
    expect(updates.map((u) => u.body.callid).sort()).toEqual(attempts.map((a) => a.callid).sort());
    for (const u of updates) expect(u.key).toBe(u.body.callid);
    expect(Math.max(...attempts.map((a) => a.attemptNo))).toBeLessThanOrEqual(3);
    expect(new Set(updates.map((u) => u.body.status)).size).toBeGreaterThan(1); // a mix of outcomes
  });

  it('sends the 13 fields of updateCampaign with the null rules and CDR timing of the contract', () => {
    for (const { body: u } of updates) {
      expect(Object.keys(u).sort()).toEqual(FIELDS);
      expect(u.campaignid).toBe(CAMPAIGN);
      expect(Number.isInteger(u.contact_id)).toBe(true);
      expect(u.phonenumber).toBe(PHONES[u.contact_id - 1]); // the number as the CRM sent it
      expect(DISPOSITIONS).toContain(u.status);
      expect(u.starttime).toMatch(DATETIME);
      expect(u.endtime).toMatch(DATETIME);
      expect(Number.isInteger(u.duration) && Number.isInteger(u.ringtime)).toBe(true);
      expect(u.duration).toBe(seconds(u.endtime) - seconds(u.starttime));
      if (u.answertime === null) {
        expect(u.ringtime).toBe(u.duration);
        expect([u.agentcode, u.station_id, u.link_down_record]).toEqual([null, null, null]);
        expect(['NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION']).toContain(u.status);
      } else {
        expect(u.answertime).toMatch(DATETIME);
        expect(u.ringtime).toBe(seconds(u.answertime) - seconds(u.starttime));
        expect(['ANSWERED', 'ABANDONED']).toContain(u.status);
      }
      if (u.status === 'ANSWERED') {
        expect(u.agentcode).toMatch(/^Agent\/\d+$/);
        expect(u.station_id).toBe(u.agentcode.slice('Agent/'.length));
        expect(u.link_down_record).toMatch(new RegExp(`^${base}/recordings/`));
      } else expect([u.agentcode, u.station_id, u.link_down_record]).toEqual([null, null, null]);
    }
    expect(updates.some((u) => u.body.status === 'ANSWERED')).toBe(true);
    expect(updates.some((u) => u.body.answertime === null)).toBe(true);
  });

  it('sends finishCampaign after every update, with contact_success = contacts with an ANSWERED attempt', () => {
    expect(finish.key).toBe(`finish-${CAMPAIGN}`);
    expect(Math.max(...updates.map((u) => u.index))).toBeLessThan(finish.index);
    const reached = new Set(updates.filter((u) => u.body.status === 'ANSWERED').map((u) => u.body.contact_id));
    expect(finish.body).toEqual({ campaignid: CAMPAIGN, status: 'completed', contact_total: PHONES.length, contact_success: reached.size });
    // Every contact is final: answered, or out of attempts.
    for (let id = 1; id <= PHONES.length; id++) {
      const mine = updates.filter((u) => u.body.contact_id === id);
      expect(reached.has(id) || mine.length === 3).toBe(true);
    }
  });

  it('serves every link_down_record as a WAV file', async () => {
    const links = updates.map((u) => u.body.link_down_record).filter((l): l is string => l !== null);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      const response = await fetch(link);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('audio/wav');
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
      expect(bytes.subarray(8, 12).toString('latin1')).toBe('WAVE');
      expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
    }
  });

  describe('recording links', () => {
    const aLink = () => new URL(updates.find((u) => u.body.link_down_record)!.body.link_down_record as string);
    const keyOf = (url: URL) => decodeURIComponent(url.pathname.slice('/recordings/'.length));

    it('refuses a link whose signature or path was tampered with (403)', async () => {
      const good = aLink();
      const badSig = new URL(good);
      const sig = badSig.searchParams.get('sig')!;
      badSig.searchParams.set('sig', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1));
      expect((await fetch(badSig)).status).toBe(403);

      const laterExpiry = new URL(good);
      laterExpiry.searchParams.set('exp', String(Number(good.searchParams.get('exp')) + 1));
      expect((await fetch(laterExpiry)).status).toBe(403);

      const otherFile = new URL(good);
      otherFile.pathname = otherFile.pathname.replace(/\.wav$/, 'x.wav');
      expect((await fetch(otherFile)).status).toBe(403);

      const unsigned = new URL(good);
      unsigned.search = '';
      expect((await fetch(unsigned)).status).toBe(403);
    });

    it('refuses an expired link (410)', async () => {
      const key = keyOf(aLink());
      const signer = createLinkSigner({ secret: SECRET, baseUrl: base, ttlSeconds: 60 });
      const expired = signer.urlFor(key, Date.now() - 3600_000);
      const response = await fetch(expired);
      expect(response.status).toBe(410);
      // The same key freshly signed with the service's secret works: only the expiry differs.
      expect((await fetch(signer.urlFor(key, Date.now()))).status).toBe(200);
    });

    it('serves byte ranges (206 with Content-Range) and refuses unsatisfiable ones (416)', async () => {
      const link = aLink();
      const whole = Buffer.from(await (await fetch(link)).arrayBuffer());

      const head = await fetch(link, { headers: { range: 'bytes=0-11' } });
      expect(head.status).toBe(206);
      expect(head.headers.get('content-range')).toBe(`bytes 0-11/${whole.length}`);
      expect(Buffer.from(await head.arrayBuffer())).toEqual(whole.subarray(0, 12));

      const tail = await fetch(link, { headers: { range: 'bytes=-4' } });
      expect(tail.status).toBe(206);
      expect(tail.headers.get('content-range')).toBe(`bytes ${whole.length - 4}-${whole.length - 1}/${whole.length}`);
      expect(Buffer.from(await tail.arrayBuffer())).toEqual(whole.subarray(whole.length - 4));

      const middle = await fetch(link, { headers: { range: 'bytes=40-' } });
      expect(middle.status).toBe(206);
      expect(Buffer.from(await middle.arrayBuffer())).toEqual(whole.subarray(40));

      const beyond = await fetch(link, { headers: { range: `bytes=${whole.length}-` } });
      expect(beyond.status).toBe(416);
      expect(beyond.headers.get('content-range')).toBe(`bytes */${whole.length}`);
      expect((await fetch(link, { headers: { range: 'bytes=9-3' } })).status).toBe(416);
    });
  });
});
