/**
 * `ccs crm-receiver` prints what the README shows: each callback's body exactly as CCS sent
 * it, one line per callback, nothing wrapped around it; refusals (`--fail`) go to stderr.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startCrmReceiver } from '../../src/cli/crm-receiver.ts';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function receiver(failShare = 0) {
  const printed: string[] = [];
  const noted: string[] = [];
  server = await startCrmReceiver(0, failShare, (l) => printed.push(l), (l) => noted.push(l));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = (path: string, body: string) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'ccs-1-2-1' }, body });
  return { printed, noted, post };
}

const update = '{"campaignid":1,"contact_id":2,"phonenumber":"0897654123","agentcode":"Agent/1001","station_id":"1001","starttime":"2026-11-26 22:54:21","answertime":"2026-11-26 22:54:22","endtime":"2026-11-26 22:54:25","duration":4,"ringtime":1,"link_down_record":null,"status":"ANSWERED","callid":"ccs-1-2-1"}';
const finish = '{"campaignid":1,"status":"completed","contact_total":2,"contact_success":1}';

describe('ccs crm-receiver output', () => {
  it('prints each callback body exactly as received, one line each, in arrival order', async () => {
    const r = await receiver();
    expect((await r.post('/api/updateCampaign', update)).status).toBe(200);
    expect((await r.post('/api/finishCampaign', finish)).status).toBe(200);
    expect(r.printed).toEqual([update, finish]);
    expect(r.noted).toEqual([]);
  });

  it('keeps a body spread over several lines on one line', async () => {
    const r = await receiver();
    await r.post('/api/finishCampaign', JSON.stringify(JSON.parse(finish), null, 2));
    expect(r.printed).toEqual([finish]);
  });

  it('notes refused callbacks on stderr and prints no body for them', async () => {
    const r = await receiver(1);
    expect((await r.post('/api/updateCampaign', update)).status).toBe(503);
    expect(r.printed).toEqual([]);
    expect(r.noted).toEqual(['refused /api/updateCampaign with 503 (--fail), Idempotency-Key ccs-1-2-1']);
  });
});
