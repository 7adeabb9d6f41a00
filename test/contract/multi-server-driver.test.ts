/**
 * The driver over several Asterisk servers passes the telephony conformance suite, in both
 * agent modes: two scripted Asterisks on one virtual clock, the agents' phones on the first,
 * the second unreachable throughout (its ARI refuses connections), so every call, control and
 * agent goes through the composite's routing to the server that is up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../src/clock/virtual-clock.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { createFileRecordingStore } from '../../src/recordings/file-recording-store.ts';
import { createAriDriver } from '../../src/telephony/asterisk-ari/ari-driver.ts';
import { createMultiServerDriver } from '../../src/telephony/multi-server/multi-server-driver.ts';
import { START } from '../support/ari-replay/replay-rig.ts';
import { ScriptedAri } from '../support/ari-replay/scripted-ari.ts';
import { settleIo } from '../support/ari-replay/scripted-rig.ts';
import { describeTelephonyConformance } from './telephony-conformance.ts';

const agent = { agentCode: 'Agent/9001', stationId: '9001', endpoint: 'PJSIP/9001' };
const second = { agentCode: 'Agent/9002', stationId: '9002', endpoint: 'PJSIP/9002' };
const transferNumbers = { answers: '0912345670', busy: '0912345671' };
const numbers = { answered: '0987654320', busy: '0987654321', noAnswer: '0987654322', congestion: '0987654323' };

for (const agentMode of ['on-answer', 'nailed-up'] as const) {
  describeTelephonyConformance(`several Asterisk servers, ${agentMode} agents (two scripted Asterisks, one unreachable)`, async () => {
    const clock = new VirtualClock(START, { settle: settleIo });
    const up = await ScriptedAri.start({ clock });
    const down = await ScriptedAri.start({ clock });
    await down.stop();
    const dir = mkdtempSync(join(tmpdir(), 'ccs-multi-conformance-'));
    const recordings = createFileRecordingStore(dir, { clock, fsync: false });
    let counter = 0;
    const ari = (server: ScriptedAri, agents: (typeof agent)[]) =>
      createAriDriver(
        { url: server.url, user: server.user, password: server.password, agentMode, agents, reconnect: { minDelayMs: 250, maxDelayMs: 1000 } },
        { clock, recordings, logger: silentLogger, newId: () => `id${++counter}` },
      );
    const driver = createMultiServerDriver(
      [
        { name: 'a', driver: ari(up, agentMode === 'nailed-up' ? [agent, second] : []), channelLimit: 0 },
        { name: 'b', driver: ari(down, []), channelLimit: 0 },
      ],
      { agentServers: new Map([[agent.agentCode, 'a'], [second.agentCode, 'a']]), downGraceMs: 60_000 },
      { clock, logger: silentLogger },
    );
    const advance = async (ms: number) => {
      for (let left = ms; left > 0; left -= 100) await clock.advanceBy(Math.min(100, left));
      await settleIo();
    };
    return {
      driver,
      agents: [agent, second],
      numbers,
      transferNumbers,
      advance,
      async teardown() {
        await up.close();
        await down.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
}
