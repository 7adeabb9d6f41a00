/**
 * Asterisk keeps a stored recording until CCS has it: when the recording store refuses the
 * write (a full disk, a read-only folder), the driver's recording is a source the retrying
 * store reads again, so the file is downloaded again from `GET /recordings/stored/{name}/file`
 * once the folder takes writes, and removed from Asterisk only after it was stored. The call
 * is reported ended at once, its recording following when stored (the agent is not held).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/ports/logger.ts';
import type { RecordingStore } from '../../../src/ports/recording-store.ts';
import type { RecordingOutcome } from '../../../src/ports/telephony.ts';
import { RecordingHealth } from '../../../src/recordings/recording-health.ts';
import { createRetryingRecordingStore } from '../../../src/recordings/retrying-recording-store.ts';
import { callRequest } from '../../support/ari-replay/replay-rig.ts';
import { createScriptedRig, type ScriptedRig } from '../../support/ari-replay/scripted-rig.ts';

const agent9001 = { agentCode: 'Agent/9001', stationId: '9001', endpoint: 'PJSIP/9001' };

describe('ARI driver: a recording the store could not take is downloaded again (scripted Asterisk)', () => {
  let rig: ScriptedRig | undefined;
  afterEach(async () => {
    await rig?.teardown();
    rig = undefined;
  });

  it('writes failing for 6 s after the call: the file is fetched again, stored, and only then deleted from Asterisk', async () => {
    const health = new RecordingHealth();
    let refuseUntil = Infinity;
    rig = await createScriptedRig({}, {}, {
      recordings: (files, clock) => {
        const folder: RecordingStore = {
          locate: (key) => files.locate(key),
          async save(callId, contentType, data) {
            if (clock.now() < refuseUntil) {
              // A full disk: the download is read, the write fails part way.
              const bytes = typeof data === 'function' ? await data() : data;
              for await (const _ of bytes instanceof Uint8Array ? [bytes] : bytes) break;
              throw new Error('ENOSPC: no space left on device, write');
            }
            return files.save(callId, contentType, data);
          },
        };
        return createRetryingRecordingStore(folder, { clock, logger: silentLogger, health });
      },
    });
    const r = rig;
    const callId = 'ccs-4-1-1';
    await r.driver.placeCall(callRequest(callId, '0987654320'));
    await r.until(() => r.callEvents(callId).some((e) => e.type === 'answered'), 'the answer');
    await r.driver.connectAgent(callId, agent9001, { record: true });
    await r.until(() => r.callEvents(callId).some((e) => e.type === 'connected'), 'the bridge');
    await r.advance(3000);
    refuseUntil = r.clock.now() + 6000;
    r.ari.hangUpFarEnd(callId);
    await r.until(() => r.ended(callId).length > 0, 'the end of the call', 60_000);

    // The call is reported ended while the write is still refused; its recording follows.
    const ended = r.ended(callId)[0]!;
    expect(r.clock.now()).toBeLessThan(refuseUntil);
    expect(ended.recording).toBeUndefined();
    let recording: RecordingOutcome | undefined;
    void ended.recordingLater!.then((outcome) => (recording = outcome));
    await r.until(() => recording !== undefined, 'the recording stored', 60_000);
    expect(recording).toMatchObject({ status: 'saved' });
    expect(await r.recordings.locate((recording as { key: string }).key)).not.toBeNull();
    const file = `/ari/recordings/stored/ccs-${callId}/file`;
    const downloads = r.ari.requests.filter((q) => q.method === 'GET' && q.url.pathname === file).length;
    expect(downloads).toBeGreaterThan(1);
    const requests = r.ari.requests.map((q) => `${q.method} ${q.url.pathname}`);
    expect(requests.indexOf(`DELETE /ari/recordings/stored/ccs-${callId}`)).toBeGreaterThan(requests.lastIndexOf(`GET ${file}`));
    expect(health).toMatchObject({ lostTotal: 0 });
    expect(health.retriesTotal).toBe(downloads - 1);
  });
});
