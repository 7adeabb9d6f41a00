/**
 * The hang-up cause mapping over every captured flow: the customer channel's ChannelDestroyed
 * (and whether it was answered) gives the port's cause; for the originate flows, the only
 * ones where Asterisk writes a CDR for failures, the result agrees with the CDR disposition.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HangupCause } from '../../../src/domain/disposition.ts';
import { describeLegEnd, hangupCauseOf, type LegEnd } from '../../../src/telephony/asterisk-ari/cause-mapping.ts';
import { FIXTURES_DIR, isEvent, loadFlowIndex, loadTranscript } from '../../support/ari-replay/transcript.ts';

const EXPECTED: Record<string, HangupCause> = {
  'dial-answered-bridged-recorded': 'normal',
  'dial-busy': 'busy',
  'dial-noanswer-timeout': 'no-answer',
  'dial-congestion': 'congestion',
  'dial-unavailable': 'no-answer',
  'dial-notfound': 'no-answer',
  'dial-declined': 'no-answer',
  'dial-carrier-timeout': 'no-answer',
  'dial-customer-hangs-up': 'normal',
  'originate-answered': 'normal',
  'originate-busy': 'busy',
  'originate-noanswer-timeout': 'no-answer',
  'originate-congestion': 'congestion',
  'originate-unavailable': 'no-answer',
  'originate-notfound': 'no-answer',
  'originate-declined': 'no-answer',
  'originate-carrier-timeout': 'no-answer',
  'agent-holding-bridge': 'normal',
  'ws-reconnect': 'normal',
};

const CDR_DISPOSITION: Record<string, HangupCause> = {
  ANSWERED: 'normal',
  BUSY: 'busy',
  'NO ANSWER': 'no-answer',
  CONGESTION: 'congestion',
  FAILED: 'failed',
};

type Channel = { id: string; state: string };
type Ev = { type: string; channel?: Channel; peer?: Channel; dialstatus?: string; cause?: number; cause_txt?: string; tech_cause?: number };

/** What the driver learns from the transcript's events about one channel. */
function legEndOf(flow: string, channelId: string): LegEnd {
  let answered = false;
  let dialStatus: string | undefined;
  let destroyed: Ev | undefined;
  for (const record of loadTranscript(flow)) {
    if (!isEvent(record)) continue;
    const e = record.event as Ev;
    if (e.type === 'Dial' && e.peer?.id === channelId) {
      if (e.dialstatus === 'ANSWER') answered = true;
      else if (e.dialstatus && !['RINGING', 'PROGRESS'].includes(e.dialstatus)) dialStatus = e.dialstatus;
    }
    if (e.type === 'ChannelStateChange' && e.channel?.id === channelId && e.channel.state === 'Up') answered = true;
    if (e.type === 'ChannelDestroyed' && e.channel?.id === channelId) destroyed = e;
  }
  if (!destroyed) throw new Error(`${flow}: no ChannelDestroyed for ${channelId}`);
  const end: LegEnd = { answered, cause: destroyed.cause!, causeText: destroyed.cause_txt, dialStatus };
  if (destroyed.tech_cause !== undefined) end.techCause = destroyed.tech_cause;
  return end;
}

/** The CDR disposition AMI reported for a channel, if any. */
function cdrDisposition(flow: string, uniqueId: string): string | null {
  const ami = readFileSync(join(FIXTURES_DIR, 'ami', `${flow}.txt`), 'latin1');
  for (const block of ami.split('\r\n\r\n')) {
    if (!block.includes('Event: Cdr') || !block.includes(`UniqueID: ${uniqueId}\r\n`)) continue;
    return /Disposition: (.*)\r\n/.exec(`${block}\r\n`)?.[1] ?? null;
  }
  return null;
}

describe('hang-up cause mapping', () => {
  const index = loadFlowIndex();
  const flows = Object.entries(index).filter(([, f]) => typeof f.meta.customer_channel === 'string');

  it('covers every captured flow with a customer channel', () => {
    expect(flows.map(([name]) => name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [flow, f] of flows) {
    it(`${flow}: the customer leg ends as ${EXPECTED[flow]}`, () => {
      const end = legEndOf(flow, f.meta.customer_channel!);
      expect(hangupCauseOf(end)).toBe(EXPECTED[flow]);
      if (flow.startsWith('originate-')) {
        const disposition = cdrDisposition(flow, f.meta.customer_channel!);
        expect(disposition).not.toBeNull();
        expect(hangupCauseOf(end)).toBe(CDR_DISPOSITION[disposition!]);
      }
    });
  }

  it('create+dial failures carry no final Dial status: the cause alone decides', () => {
    for (const flow of ['dial-busy', 'dial-congestion', 'dial-unavailable', 'dial-notfound', 'dial-declined', 'dial-carrier-timeout']) {
      expect(legEndOf(flow, index[flow]!.meta.customer_channel!).dialStatus, flow).toBeUndefined();
    }
  });

  it('an answered leg is normal whatever its clearing cause', () => {
    expect(hangupCauseOf({ answered: true, cause: 16 })).toBe('normal');
    expect(hangupCauseOf({ answered: true, cause: 34 })).toBe('normal');
  });

  it('16 without an answer (hung up while ringing) is no-answer; unknown causes are no-answer', () => {
    expect(hangupCauseOf({ answered: false, cause: 16 })).toBe('no-answer');
    expect(hangupCauseOf({ answered: false, cause: 127 })).toBe('no-answer');
  });

  it('channel unavailable (3 no route, 20 subscriber absent) is failed, as CDR CHANUNAVAIL', () => {
    expect(hangupCauseOf({ answered: false, cause: 3 })).toBe('failed');
    expect(hangupCauseOf({ answered: false, cause: 20 })).toBe('failed');
  });

  it('a final Dial status is used only when the cause says nothing', () => {
    expect(hangupCauseOf({ answered: false, cause: 0, dialStatus: 'BUSY' })).toBe('busy');
    expect(hangupCauseOf({ answered: false, cause: 0, dialStatus: 'CHANUNAVAIL' })).toBe('failed');
    expect(hangupCauseOf({ answered: false, cause: 19, dialStatus: 'BUSY' })).toBe('no-answer');
  });

  it('describes the end with the Q.850 cause and the SIP status', () => {
    expect(describeLegEnd({ answered: false, cause: 17, causeText: 'User busy', techCause: 486 })).toBe('Q.850 17 User busy; SIP 486');
    expect(describeLegEnd({ answered: true, cause: 16, causeText: 'Normal Clearing' })).toBe('Q.850 16 Normal Clearing');
  });
});
