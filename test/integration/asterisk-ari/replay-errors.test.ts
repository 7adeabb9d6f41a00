/**
 * ARI's error answers as captured (errors-http): the REST client gives each its kind, and the
 * driver turns them into the port's rules — a refused create or dial rejects `placeCall`
 * and owes no `ended`; wrong credentials keep the driver down with the reason; a recording
 * that cannot be made or fetched is reported failed without holding back the call's end.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/clock/virtual-clock.ts';
import { AriError, AriHttp } from '../../../src/telephony/asterisk-ari/ari-http.ts';
import { callRequest, startReplayRig, START, type ReplayRig } from '../../support/ari-replay/replay-rig.ts';
import { REPLAY_PASSWORD, REPLAY_USER, TranscriptReplay, type ReplayRoute } from '../../support/ari-replay/transcript-replay.ts';
import { isHttp, loadTranscript, type HttpRecord } from '../../support/ari-replay/transcript.ts';

const captured = loadTranscript('errors-http').filter(isHttp);
/** The captured answer of the first errors-http request matching `method` and `path`. */
function capturedAnswer(method: string, path: RegExp): ReplayRoute['answer'] {
  const record = captured.find((r) => r.method === method && path.test(r.path))!;
  return () => ({ status: record.status, json: record.response_body });
}

const agent9001 = { agentCode: 'Agent/9001', stationId: '9001', endpoint: 'PJSIP/9001' };

describe('ARI error answers (errors-http)', () => {
  let rig: ReplayRig | undefined;
  let replay: TranscriptReplay | undefined;
  afterEach(async () => {
    await rig?.close();
    await replay?.close();
    rig = undefined;
    replay = undefined;
  });

  it('the REST client reports every captured answer: 2xx resolve, errors carry kind, status and Asterisk message', async () => {
    replay = await TranscriptReplay.start({ flow: 'errors-http', loose: () => true });
    const clock = new VirtualClock(START);
    const client = (password: string) => new AriHttp({ url: replay!.url, user: REPLAY_USER, password, timeoutMs: 60_000, clock });
    const good = client(REPLAY_PASSWORD);
    const wrong = client('wrong-password');
    const kinds: Record<number, string> = { 400: 'invalid', 401: 'unauthorized', 404: 'not-found', 409: 'conflict', 422: 'unprocessable', 500: 'server-error' };
    try {
      for (const record of captured) {
        const url = new URL(record.path, 'http://x');
        const path = url.pathname.replace(/^\/ari/, '');
        const query = Object.fromEntries(url.searchParams);
        const body = record.request_body ?? undefined;
        const http = record.status === 401 ? wrong : good;
        const call =
          record.method === 'GET' ? http.get(path, query) : record.method === 'DELETE' ? http.delete(path, query) : http.post(path, query, body);
        if (record.status < 300) {
          await expect(call, `${record.method} ${record.path}`).resolves.not.toBeInstanceOf(Error);
          continue;
        }
        const error = await call.then(
          () => null,
          (e: unknown) => e,
        );
        const expected = record.response_body as { message?: string; error?: string };
        expect(error, `${record.method} ${record.path}`).toBeInstanceOf(AriError);
        expect(error).toMatchObject({ kind: kinds[record.status], status: record.status, detail: expected.message ?? expected.error });
      }
      expect(replay.unexpected).toEqual([]);
    } finally {
      await good.close();
      await wrong.close();
    }
  });

  it('wrong credentials: the WebSocket and REST get 401, the driver stays down saying so, and refuses calls', async () => {
    rig = await startReplayRig('dial-busy', { password: 'wrong-password', noWait: true });
    await rig.until(() => /401/.test(rig!.driver.health().reason ?? ''), 'the reason');
    expect(rig.driver.health()).toEqual({ ready: false, reason: 'ARI rejected the credentials (401 Authentication required)' });
    expect(rig.events).toEqual([{ type: 'driver', state: 'down', reason: 'ARI rejected the credentials (401 Authentication required)' }]);
    await expect(rig.driver.placeCall(callRequest('ccs-1-1-1', '0987654321'))).rejects.toThrow(/ARI is not ready.*401/);
  });

  it('HTTP 500 "Allocation failed" on create (unknown trunk) rejects placeCall; no ended is owed', async () => {
    rig = await startReplayRig('errors-http', { config: { dialTemplate: 'PJSIP/{number}@nosuchtrunk' }, replay: { loose: () => true } });
    await expect(rig.driver.placeCall(callRequest('ccs-1-2-1', '0987654320'))).rejects.toThrow(/500 Allocation failed/);
    await rig.clock.advanceBy(5000);
    expect(rig.callEvents('ccs-1-2-1')).toEqual([]);
    expect(await rig.driver.liveCalls()).toEqual([]);
  });

  it('HTTP 400 on create (a dial template without technology) rejects placeCall', async () => {
    rig = await startReplayRig('errors-http', { config: { dialTemplate: '{number}' }, replay: { loose: () => true } });
    await expect(rig.driver.placeCall(callRequest('ccs-1-3-1', '0987654320'))).rejects.toThrow(/400 Invalid endpoint specified/);
  });

  it('a dial refused with 404 deletes the created channel and rejects; a channel id Asterisk already has (409) rejects', async () => {
    rig = await startReplayRig('errors-http', {
      replay: { loose: () => true, routes: [{ method: 'POST', path: /\/dial$/, answer: capturedAnswer('POST', /\/dial/) }] },
    });
    // This capture has no StasisStart for the channel: the driver waits for it (virtual time), then dials.
    const placing = rig.driver.placeCall(callRequest('ccs-1-4-1', '0987654320'));
    let settled = false;
    void placing.catch(() => {}).finally(() => (settled = true));
    for (let i = 0; i < 100 && !settled; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await rig.clock.advanceBy(100);
    }
    await expect(placing).rejects.toThrow(/404 Channel not found/);
    await rig.until(() => rig!.replay.requests.some((r) => r.method === 'DELETE'), 'the channel removed');
    expect(rig.replay.requests.find((r) => r.method === 'DELETE')!.path).toBe('/ari/channels/ccs-1-4-1?reason=normal');
    await expect(rig.driver.placeCall(callRequest('ccs-1-4-2', '0987654320'))).rejects.toThrow(/409 Channel with given unique ID already exists/);
    await rig.clock.advanceBy(5000);
    expect(rig.events.filter((e) => 'callId' in e)).toEqual([]);
  });

  for (const [status, path] of [
    [500, /\/record$/],
    [422, /\/record$/],
  ] as const) {
    it(`a bridge recording refused with ${status} (as captured) keeps the call connected and reports the recording failed`, async () => {
      const record = captured.find((r) => r.status === status && /\/record\?/.test(r.path)) as HttpRecord;
      rig = await startReplayRig('dial-answered-bridged-recorded', {
        replay: { overrides: [{ method: 'POST', path, answer: () => ({ status, json: record.response_body }) }] },
      });
      const ended = await recordedCall(rig);
      expect(ended).toMatchObject({ cause: 'normal', recording: { status: 'failed', reason: expect.stringContaining(`${status}`) } });
      expect(rig.replay.requests.some((r) => r.url.pathname.endsWith('/file'))).toBe(false);
    });
  }

  it('a stored recording Asterisk cannot find (404) is reported failed and the call still ends', async () => {
    rig = await startReplayRig('dial-answered-bridged-recorded', {
      replay: { overrides: [{ method: 'GET', path: /\/recordings\/stored\/[^/]+\/file$/, answer: capturedAnswer('GET', /\/file$/) }] },
    });
    const ended = await recordedCall(rig);
    expect(ended).toMatchObject({ cause: 'normal', recording: { status: 'failed', reason: expect.stringMatching(/404 Recording not found/) } });
  });

  it('a recording download that never completes is cut by the fetch timeout and the call still ends', async () => {
    rig = await startReplayRig('dial-answered-bridged-recorded', {
      config: { recordingFetchTimeoutMs: 10_000 },
      replay: { overrides: [{ method: 'GET', path: /\/file$/, answer: () => ({ status: 200, hold: true }) }] },
    });
    const r = rig;
    const callId = await connectRecordedCall(r);
    await r.driver.hangup(callId);
    await r.until(() => r.replay.requests.some((q) => q.url.pathname.endsWith('/file')), 'the download to start');
    expect(r.ended(callId)).toEqual([]);
    await r.clock.advanceBy(10_001);
    await r.until(() => r.ended(callId).length > 0, 'the end of the call');
    expect(r.ended(callId)[0]).toMatchObject({ cause: 'normal', recording: { status: 'failed', reason: 'recording not fetched within 10000 ms' } });
  });
});

async function connectRecordedCall(rig: ReplayRig): Promise<string> {
  const callId = 'ccs-1-10-1';
  await rig.driver.placeCall(callRequest(callId, '0987654320'));
  await rig.until(() => rig.callEvents(callId).some((e) => e.type === 'answered'), 'the answer');
  await rig.driver.connectAgent(callId, agent9001, { record: true });
  await rig.replay.waitForGate((r) => r.method === 'DELETE');
  return callId;
}

async function recordedCall(rig: ReplayRig) {
  const callId = await connectRecordedCall(rig);
  expect(rig.callEvents(callId).map((e) => e.type)).toEqual(['ringing', 'answered', 'connected']);
  await rig.driver.hangup(callId);
  await rig.until(() => rig.ended(callId).length > 0, 'the end of the call');
  expect(rig.ended(callId)).toHaveLength(1);
  return rig.ended(callId)[0]!;
}
