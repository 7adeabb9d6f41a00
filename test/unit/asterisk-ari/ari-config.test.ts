/** Settings of the ARI driver: agents from CCS_AGENTS, dial strings, trunks, validation. */
import { describe, expect, it } from 'vitest';
import { agentEndpoint, dialEndpoint, parseAgentsSetting, resolveAriConfig, trunkOf } from '../../../src/telephony/asterisk-ari/ari-config.ts';

describe('ARI driver settings', () => {
  it('parses CCS_AGENTS: code=endpoint pairs, the station being the digits of the code', () => {
    expect(parseAgentsSetting('Agent/9001=PJSIP/9001, Agent/9002=PJSIP/9002')).toEqual([
      { agentCode: 'Agent/9001', stationId: '9001', endpoint: 'PJSIP/9001' },
      { agentCode: 'Agent/9002', stationId: '9002', endpoint: 'PJSIP/9002' },
    ]);
  });

  it('an agent without an endpoint gets PJSIP/<station>; a blank setting means no agents', () => {
    expect(parseAgentsSetting('Agent/7')).toEqual([{ agentCode: 'Agent/7', stationId: '7', endpoint: 'PJSIP/7' }]);
    expect(parseAgentsSetting('  ')).toEqual([]);
  });

  it('refuses agent codes without digits, bad endpoints and duplicates', () => {
    expect(() => parseAgentsSetting('Agent/x=PJSIP/1')).toThrow(/station/);
    expect(() => parseAgentsSetting('Agent/1=9001')).toThrow(/TECH\/resource/);
    expect(() => parseAgentsSetting('Agent/1=PJSIP/1,Agent/1=PJSIP/2')).toThrow(/twice/);
  });

  it('fills the dial template with digits only', () => {
    expect(dialEndpoint('PJSIP/{number}@trunk', '0987654320')).toBe('PJSIP/0987654320@trunk');
    expect(dialEndpoint('PJSIP/{number}@trunk', '+84987654320')).toBe('PJSIP/+84987654320@trunk');
    expect(() => dialEndpoint('PJSIP/{number}@trunk', '0987&x=1')).toThrow(/not a dialable number/);
  });

  it('names the trunk of a dial string for the channel limit', () => {
    expect(trunkOf('PJSIP/0987654320@trunk')).toBe('trunk');
    expect(trunkOf('PJSIP/trunk/sip:0987654320@127.0.0.1:5079')).toBe('trunk');
    expect(trunkOf('PJSIP/0987654320')).toBe('PJSIP');
  });

  it("finds an agent's phone: its own endpoint, the configured one, else PJSIP/<station>", () => {
    const configured = [{ agentCode: 'Agent/9001', stationId: '9001', endpoint: 'PJSIP/desk-1' }];
    expect(agentEndpoint({ agentCode: 'Agent/9001', stationId: '9001', endpoint: 'SIP/x' }, configured)).toBe('SIP/x');
    expect(agentEndpoint({ agentCode: 'Agent/9001', stationId: '9001' }, configured)).toBe('PJSIP/desk-1');
    expect(agentEndpoint({ agentCode: 'Agent/9002', stationId: '9002' }, configured)).toBe('PJSIP/9002');
  });

  it('resolves defaults and freezes the result', () => {
    const config = resolveAriConfig({ url: 'http://127.0.0.1:8088', user: 'dialer', password: 'secret' });
    expect(config).toMatchObject({ app: 'ccs', dialTemplate: 'PJSIP/{number}@trunk', agentMode: 'on-answer', recordingFormat: 'wav' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('rejects a template without {number}, a non-http url and an unknown agent mode', () => {
    const base = { url: 'http://127.0.0.1:8088', user: 'u', password: 'p' };
    expect(() => resolveAriConfig({ ...base, dialTemplate: 'PJSIP/trunk' })).toThrow(/\{number\}/);
    expect(() => resolveAriConfig({ ...base, url: 'ws://x' })).toThrow(/http/);
    expect(() => resolveAriConfig({ ...base, agentMode: 'queue' as never })).toThrow(/agent mode/);
  });
});
