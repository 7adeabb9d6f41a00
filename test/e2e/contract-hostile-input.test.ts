/**
 * Inputs a hostile or careless CRM can send, through real HTTP on SQLite and PostgreSQL: every
 * one is answered with the contract's 400 (never a 500 or the framework's own body), names the
 * offending field, and stores nothing; and both stores accept exactly the same inputs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractMessage } from '../../src/domain/messages.ts';
import { campaignBody } from '../support/campaigns.ts';
import { DIALECTS } from '../support/databases.ts';
import { startService, type RunningService } from '../support/service-harness.ts';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { k: value };
  return value;
}

describe.each(DIALECTS)('hostile contract input on %s', (dialect) => {
  let svc: RunningService;
  let nextId = 7000;
  const newId = () => nextId++;
  const send = (body: unknown) => svc.request('POST', '/api/sendCampaign', { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const stored = async (id: number) => (await svc.request('GET', `/ops/campaigns/${id}`)).status === 200;

  beforeAll(async () => {
    svc = await startService(dialect);
  });
  afterAll(async () => svc?.stop());

  const expectRefused = async (body: unknown, id: number, field: string) => {
    const r = await send(body);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ status: 0, error_msg: expect.any(String) });
    expect(r.json.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await stored(id)).toBe(false);
    return r;
  };

  it('refuses an extra field nested deeper than the limit (4,000 levels) with a 400 naming it', async () => {
    const id = newId();
    const r = await expectRefused({ ...campaignBody(id), deep: nested(4000) }, id, 'deep');
    expect(r.json.error_msg).toBe(ContractMessage.invalidInput);
    const inContact = campaignBody(newId());
    (inContact.contact[1] as Record<string, unknown>).deep = nested(4000);
    await expectRefused(inContact, inContact.campaignid as number, 'contact[1].deep');
  });

  it('refuses an extra field holding a number beyond double range (it would be stored as null)', async () => {
    const id = newId();
    const text = JSON.stringify(campaignBody(id)).replace(/^\{/, '{"score":1e400,');
    await expectRefused(text, id, 'score');
  });

  it('keeps an extra field nested within the limit', async () => {
    const id = newId();
    expect((await send({ ...campaignBody(id), note: nested(30) })).status).toBe(200);
  });

  it('refuses a typeid outside the 32-bit range both stores hold, and accepts its bounds', async () => {
    const big = newId();
    await expectRefused(campaignBody(big, { typeid: 2 ** 31 }), big, 'typeid');
    const small = newId();
    await expectRefused(campaignBody(small, { typeid: -(2 ** 31) - 1 }), small, 'typeid');
    expect((await send(campaignBody(newId(), { typeid: 2 ** 31 - 1 }))).status).toBe(200);
  });

  it('accepts the largest safe integer as campaign and contact id, and closes that campaign by it', async () => {
    const body = campaignBody(Number.MAX_SAFE_INTEGER);
    body.contact[0]!.id = Number.MAX_SAFE_INTEGER;
    const r = await send(body);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ campaignid: Number.MAX_SAFE_INTEGER, status: 1 });
    const close = await svc.request('GET', `/api/closeCampaign/${Number.MAX_SAFE_INTEGER}`);
    expect(close.status).toBe(200);
    expect(close.json).toEqual({ campaignid: Number.MAX_SAFE_INTEGER, status: 1 });
    const beyond = await svc.request('GET', '/api/closeCampaign/9007199254740993');
    expect(beyond.status).toBe(400);
    expect(beyond.json.errors[0].field).toBe('campaignid');
  });

  it.each([
    ['a NUL byte', 'http://crm.vn/a\u0000b'],
    ['a newline', 'http://crm.vn/a\nb'],
    ['a DEL', 'http://crm.vn/a\u007fb'],
    ['an unpaired surrogate', 'http://crm.vn/a\ud800b'],
  ])('refuses a linkedit with %s', async (_what, linkedit) => {
    const body = campaignBody(newId());
    body.contact[0]!.linkedit = linkedit;
    await expectRefused(body, body.campaignid as number, 'contact[0].linkedit');
  });

  it.each([
    ['a tab', '0912\t345678'],
    ['a newline', '0912\n345678'],
    ['a non-breaking space', '0912\u00a0345678'],
    ['a NUL byte', '0912\u0000345678'],
  ])('refuses a phone number with %s inside', async (_what, phonenumber) => {
    const body = campaignBody(newId());
    body.contact[0]!.phonenumber = phonenumber;
    await expectRefused(body, body.campaignid as number, 'contact[0].phonenumber');
  });

  it('still accepts a phone number written with spaces, dots and dashes', async () => {
    const body = campaignBody(newId());
    body.contact[0]!.phonenumber = '091 234.56-78';
    expect((await send(body)).status).toBe(200);
  });

  it.each(['0000-01-01 00:00:00', '1969-12-31 23:59:59', '0099-06-01 00:00:00'])('refuses starttime %s (years before 1970)', async (starttime) => {
    const id = newId();
    await expectRefused({ ...campaignBody(id), starttime }, id, 'starttime');
  });

  it('keeps a "__proto__" extra field like any other extra field', async () => {
    const id = newId();
    const text = JSON.stringify(campaignBody(id)).replace(/^\{/, '{"__proto__":{"polluted":1},"other":2,');
    const r = await send(text);
    expect(r.status).toBe(200);
    const view = await svc.request('GET', `/ops/campaigns/${id}`);
    expect(JSON.parse(view.text).extra).toEqual(JSON.parse('{"__proto__":{"polluted":1},"other":2}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The same body again is the same campaign; without the field it is other content.
    expect((await send(text)).status).toBe(200);
    const without = await send(text.replace('"__proto__":{"polluted":1},', ''));
    expect(without.json.error_msg).toBe(ContractMessage.campaignExists);
  });

  it.each([
    ['an id over 100 characters', `/api/closeCampaign/${'9'.repeat(150)}`],
    ['bad %-encoding', '/api/closeCampaign/%E0%A4%A'],
    ['a lone %', '/api/closeCampaign/12%'],
  ])('answers closeCampaign with %s in the contract shape', async (_what, path) => {
    const r = await svc.request('GET', path);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ campaignid: null, status: 0, error_msg: ContractMessage.invalidInput, errors: [expect.objectContaining({ field: 'campaignid' })] });
  });
});
