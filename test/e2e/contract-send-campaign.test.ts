/**
 * The CRM contract's sendCampaign (spec 1.1 and section 3), through real HTTP, on SQLite and
 * PostgreSQL: every validation rule, idempotency, and "nothing stored from a rejected request".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractMessage } from '../../src/domain/messages.ts';
import { campaignBody } from '../support/campaigns.ts';
import { DIALECTS } from '../support/databases.ts';
import { startService, type RunningService } from '../support/service-harness.ts';

describe.each(DIALECTS)('sendCampaign on %s', (dialect) => {
  let svc: RunningService;
  let nextId = 1000;
  const newId = () => nextId++;
  const send = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    svc.request('POST', '/api/sendCampaign', { body: typeof body === 'string' ? body : JSON.stringify(body), headers });
  const stored = async (id: number) => (await svc.request('GET', `/ops/campaigns/${id}`)).status === 200;

  beforeAll(async () => {
    svc = await startService(dialect, { CCS_BODY_LIMIT_MB: '64' });
  });
  afterAll(async () => svc?.stop());

  it('accepts the specification example with a current window and stores every contact', async () => {
    const id = newId();
    const r = await send(campaignBody(id));
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ campaignid: id, status: 1 });
    const contacts = await svc.request('GET', `/ops/campaigns/${id}/contacts`);
    expect(contacts.json.contacts.map((c: any) => [c.contactId, c.phonenumber, c.linkedit])).toEqual([
      [1, '0987654300', 'http://crm.vn/admin/ContactLevelInfo/EditL3/1'],
      [2, '0987654301', 'http://crm.vn/admin/ContactLevelInfo/EditL3/2'],
    ]);
  });

  it('accepts a numeric-string campaignid and contact id as integers', async () => {
    const id = newId();
    const body = campaignBody(String(id));
    (body.contact[0] as any).id = '1';
    const r = await send(body);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ campaignid: id, status: 1 });
  });

  it('answers an identical re-send with 200 and changes nothing', async () => {
    const id = newId();
    const body = campaignBody(id);
    expect((await send(body)).status).toBe(200);
    const before = (await svc.request('GET', `/ops/campaigns/${id}`)).json;
    // Same content, keys in another order and the id as a string: still the same campaign.
    const reordered = { contact: body.contact.map((c) => ({ linkedit: c.linkedit, phonenumber: c.phonenumber, id: c.id })), endtime: body.endtime, starttime: body.starttime, campaignid: String(id) };
    const again = await send(reordered);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ campaignid: id, status: 1 });
    const after = (await svc.request('GET', `/ops/campaigns/${id}`)).json;
    expect(after.receivedAt).toBe(before.receivedAt);
    expect(after.counts.contactTotal).toBe(2);
  });

  it('refuses the same id with different content with the "already exists" message', async () => {
    const id = newId();
    expect((await send(campaignBody(id))).status).toBe(200);
    const changed = campaignBody(id);
    changed.contact[1]!.phonenumber = '0911111111';
    const r = await send(changed);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ campaignid: id, status: 0, error_msg: ContractMessage.campaignExists });
    const contacts = await svc.request('GET', `/ops/campaigns/${id}/contacts`);
    expect(contacts.json.contacts[1].phonenumber).toBe('0987654301');
  });

  it.each(['campaignid', 'starttime', 'endtime', 'contact'])('reports a missing %s with the missing-field message', async (field) => {
    const id = newId();
    const body: Record<string, unknown> = campaignBody(id);
    delete body[field];
    const r = await send(body);
    expect(r.status).toBe(400);
    expect(r.json.status).toBe(0);
    expect(r.json.error_msg).toBe(ContractMessage.missingField);
    expect(r.json.errors.map((e: any) => e.field)).toContain(field);
    if (field !== 'campaignid') expect(await stored(id)).toBe(false);
  });

  it.each([
    ['2026/07/10 00:24:00'],
    ['2026-07-10T00:24:00'],
    ['2026-07-10 00:24'],
    ['2027-02-30 10:00:00'],
    ['2027-01-01 24:00:00'],
    [20260710],
  ])('reports the datetime-format message for starttime %s', async (value) => {
    const id = newId();
    const body: Record<string, unknown> = campaignBody(id);
    body.starttime = value;
    const r = await send(body);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ campaignid: id, status: 0, error_msg: ContractMessage.badDatetime });
    expect(r.json.errors).toContainEqual(expect.objectContaining({ field: 'starttime', code: 'datetime' }));
    expect(await stored(id)).toBe(false);
  });

  it('refuses an endtime that is not after starttime', async () => {
    const id = newId();
    const body = campaignBody(id);
    body.endtime = body.starttime;
    const r = await send(body);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ status: 0, error_msg: ContractMessage.invalidInput });
    expect(r.json.errors).toContainEqual(expect.objectContaining({ field: 'endtime' }));
  });

  it('refuses a new campaign whose endtime has already passed', async () => {
    const id = newId();
    const r = await send(campaignBody(id, { startInMs: -7_200_000, lengthMs: 3_600_000 }));
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ campaignid: id, status: 0, error_msg: ContractMessage.invalidInput });
    expect(await stored(id)).toBe(false);
  });

  it.each([
    ['zero', 0],
    ['negative', -3],
    ['fractional', 1.5],
    ['non-numeric string', 'abc'],
    ['boolean', true],
  ])('refuses a %s campaignid', async (_label, value) => {
    const body: Record<string, unknown> = campaignBody(1);
    body.campaignid = value;
    const r = await send(body);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ status: 0, error_msg: ContractMessage.invalidInput });
    expect(r.json.errors).toContainEqual(expect.objectContaining({ field: 'campaignid' }));
  });

  it('refuses an empty contact list and a contact list that is not an array', async () => {
    for (const contact of [[], {}, 'x']) {
      const body: Record<string, unknown> = campaignBody(newId());
      body.contact = contact;
      const r = await send(body);
      expect(r.status).toBe(400);
      expect(r.json.error_msg).toBe(ContractMessage.invalidInput);
      expect(r.json.errors).toContainEqual(expect.objectContaining({ field: 'contact' }));
    }
  });

  it('names each offending contact, and stores nothing when one contact of many is bad', async () => {
    const id = newId();
    const body = campaignBody(id, { contacts: 5 });
    (body.contact[1] as any).id = 1; // duplicate of the first
    body.contact[3]!.phonenumber = '09x87';
    (body.contact[4] as any).linkedit = 42;
    const r = await send(body);
    expect(r.status).toBe(400);
    expect(r.json.error_msg).toBe(ContractMessage.invalidInput);
    const fields = r.json.errors.map((e: any) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['contact[1].id', 'contact[3].phonenumber', 'contact[4].linkedit']));
    expect(await stored(id)).toBe(false);
    // The id stays free: a corrected campaign with it is accepted.
    expect((await send(campaignBody(id, { contacts: 5 }))).status).toBe(200);
  });

  it('reports a contact without id or phonenumber with the missing-field message', async () => {
    const body = campaignBody(newId());
    delete (body.contact[0] as any).phonenumber;
    const r = await send(body);
    expect(r.json.error_msg).toBe(ContractMessage.missingField);
    expect(r.json.errors).toContainEqual(expect.objectContaining({ field: 'contact[0].phonenumber', code: 'missing' }));
  });

  it.each([
    ['0987654321', true],
    ['+84 987 654 321', true],
    ['098.765.4321', true],
    ['098-765-4321', true],
    ['123', true],
    ['12', false],
    ['123456789012345678901', false],
    ['09876a4321', false],
    ['++84987654321', false],
    ['', false],
  ])('phone number %j is accepted: %s', async (phonenumber, ok) => {
    const body = campaignBody(newId());
    body.contact[0]!.phonenumber = phonenumber;
    const r = await send(body);
    expect(r.status).toBe(ok ? 200 : 400);
  });

  it('refuses a phone number sent as a JSON number (its leading zero would be lost)', async () => {
    const body: any = campaignBody(newId());
    body.contact[0].phonenumber = 987654321;
    expect((await send(body)).status).toBe(400);
  });

  it('keeps unknown extra fields instead of rejecting them', async () => {
    const id = newId();
    const body: any = { ...campaignBody(id), note: 'priority', owner: { team: 7 } };
    body.contact[0].customer_name = 'Nguyễn Văn A';
    const r = await send(body);
    expect(r.status).toBe(200);
    const c = (await svc.request('GET', `/ops/campaigns/${id}`)).json;
    expect(c.extra).toEqual({ note: 'priority', owner: { team: 7 } });
    const contacts = (await svc.request('GET', `/ops/campaigns/${id}/contacts`)).json.contacts;
    expect(contacts[0].extra).toEqual({ customer_name: 'Nguyễn Văn A' });
  });

  it('answers malformed JSON with the content-type message, 400 and status 0', async () => {
    const r = await send('{"campaignid": 1,');
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ status: 0, error_msg: ContractMessage.badContentType });
  });

  it('answers a body that is not a JSON object with the invalid-input message', async () => {
    for (const body of ['[1,2]', '"text"', 'null', '42']) {
      const r = await send(body);
      expect(r.status).toBe(400);
      expect(r.json.status).toBe(0);
    }
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['form', 'application/x-www-form-urlencoded'],
    ['xml', 'application/xml'],
  ])('answers a %s content type with the content-type message', async (_label, type) => {
    const r = await send(JSON.stringify(campaignBody(newId())), { 'content-type': type });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ status: 0, error_msg: ContractMessage.badContentType });
  });

  it('answers a request without content type with the content-type message', async () => {
    const r = await svc.request('POST', '/api/sendCampaign', { body: JSON.stringify(campaignBody(newId())), headers: {} });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ status: 0, error_msg: ContractMessage.badContentType });
  });

  it('accepts application/json with a charset parameter', async () => {
    const r = await send(campaignBody(newId()), { 'content-type': 'application/json; charset=utf-8' });
    expect(r.status).toBe(200);
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('answers %s /api/sendCampaign with the contract error shape', async (method) => {
    const r = await svc.request(method, '/api/sendCampaign');
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ status: 0, error_msg: ContractMessage.invalidInput });
  });
});

describe('sendCampaign body limit', () => {
  let svc: RunningService;
  beforeAll(async () => {
    svc = await startService('sqlite', { CCS_BODY_LIMIT_MB: '1' });
  });
  afterAll(async () => svc?.stop());

  it('answers a body over the limit with 400 and status 0, never a 413 or 5xx', async () => {
    const body = campaignBody(77, { contacts: 15_000 });
    const r = await svc.request('POST', '/api/sendCampaign', { body });
    expect(JSON.stringify(body).length).toBeGreaterThan(1024 * 1024);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ status: 0, error_msg: ContractMessage.invalidInput });
    expect((await svc.request('GET', '/ops/campaigns/77')).status).toBe(404);
  });
});

describe.each(DIALECTS)('a 200,000-contact campaign on %s', (dialect) => {
  let svc: RunningService;
  beforeAll(async () => {
    svc = await startService(dialect);
  });
  afterAll(async () => svc?.stop());

  it('is accepted whole under the default body limit', async () => {
    const body = campaignBody(9, { contacts: 200_000 });
    const r = await svc.request('POST', '/api/sendCampaign', { body });
    expect(r.status).toBe(200);
    const c = (await svc.request('GET', '/ops/campaigns/9')).json;
    expect(c.counts.contactTotal).toBe(200_000);
  }, 120_000);
});
