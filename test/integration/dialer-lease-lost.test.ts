/**
 * A dial pass whose attempt write the lease fence refuses (another node took the group while
 * the pass dialled it) is an expected event in a cluster: it is logged as a warning naming the
 * group, not as a failed pass, and nothing was placed for the refused write. Virtual time.
 */
import { afterEach, expect, it } from 'vitest';
import { LeaseLostError } from '../../src/ports/coordination.ts';
import { recordingLogger, type LogLine } from '../support/compliance-harness.ts';
import { answers, contactsFor, HOUR, phoneNumbers, SECOND, startEngineHarness, T0, type EngineHarness } from '../support/engine-harness.ts';

let h: EngineHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

it('logs a dial pass refused by the lease fence as a warning, not as a failed pass', async () => {
  const logs: LogLine[] = [];
  let refusals = 1;
  h = await startEngineHarness({
    dialect: 'sqlite',
    sim: { agents: 1 },
    logger: recordingLogger(logs),
    fallback: answers(2, 5),
    storeDelay: (method) => (method === 'beginAttempt' && refusals-- > 0 ? Promise.reject(new LeaseLostError('default')) : null),
  });
  await h.sendCampaign({ id: 70, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor(phoneNumbers(1)) });
  await h.clock.advanceBy(5 * SECOND);

  const lost = logs.filter((l) => l.msg.startsWith('agent group lost during a dial pass'));
  expect(lost.map((l) => [l.level, l.fields.group])).toEqual([['warn', 'default']]);
  expect(logs.filter((l) => l.level === 'error')).toEqual([]);
  // Refused before the leg went out: the one leg placed is the next pass's.
  expect(h.placedFor(70)).toHaveLength(1);
});
