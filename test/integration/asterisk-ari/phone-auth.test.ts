/**
 * The browser phones' passwords in Asterisk over ARI's dynamic configuration, against a
 * stand-in ARI HTTP server: the request Asterisk documents for creating a PJSIP auth object,
 * its deletion at sign-out (an absent one is no error), and refusals passed on.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock/system-clock.ts';
import { createAriPhoneAuth } from '../../../src/telephony/asterisk-ari/ari-phone-auth.ts';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}

async function standInAri(answer: (method: string, url: string) => { status: number; body?: unknown }): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body: text ? JSON.parse(text) : null });
      const a = answer(req.method!, req.url!);
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(a.body === undefined ? '' : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen, server };
}

describe('browser phone credentials in Asterisk (ARI dynamic configuration)', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('creates the auth object named after the endpoint with the password, and deletes it', async () => {
    const ari = await standInAri((method) => (method === 'PUT' ? { status: 200, body: [{ attribute: 'username', value: 'webrtc-1001' }] } : { status: 204 }));
    servers.push(ari.server);
    const auth = createAriPhoneAuth({ url: ari.url, user: 'dialer', password: 'dialer-ari-secret' }, { clock: systemClock });
    await auth.put('webrtc-1001', 'webrtc-1001', 's3cret');
    await auth.remove('webrtc-1001');
    await auth.close();
    expect(ari.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['PUT /ari/asterisk/config/dynamic/res_pjsip/auth/webrtc-1001', 'DELETE /ari/asterisk/config/dynamic/res_pjsip/auth/webrtc-1001']);
    expect(ari.seen[0]!.authorization).toBe(`Basic ${Buffer.from('dialer:dialer-ari-secret').toString('base64')}`);
    expect(ari.seen[0]!.body).toEqual({
      fields: [
        { attribute: 'auth_type', value: 'userpass' },
        { attribute: 'username', value: 'webrtc-1001' },
        { attribute: 'password', value: 's3cret' },
      ],
    });
  });

  it('takes an auth object already gone as removed, and passes other refusals on', async () => {
    const ari = await standInAri((method) => (method === 'DELETE' ? { status: 404, body: { message: 'Object not found' } } : { status: 403, body: { message: 'Sorcery wizard does not support creation' } }));
    servers.push(ari.server);
    const auth = createAriPhoneAuth({ url: ari.url, user: 'dialer', password: 'x' }, { clock: systemClock });
    await expect(auth.remove('webrtc-1002')).resolves.toBeUndefined();
    await expect(auth.put('webrtc-1002', 'webrtc-1002', 'p')).rejects.toThrow(/403/);
    await expect(auth.put('../../channels', 'x', 'p')).rejects.toThrow(/not a plain PJSIP object id/);
    await auth.close();
  });
});
