import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.ts';
import { knownSettingNames } from '../../../src/config/setting-names.ts';

const NO_FILE = '/nonexistent-ccs-config-dir';
const load = (env: Record<string, string>) => loadConfig({ CCS_TELEPHONY: 'asterisk', ...env }, NO_FILE);

const twoServers = JSON.stringify([
  { name: 'a', url: 'http://10.0.0.1:8088', user: 'ccs', password: 'pa', channelLimit: 60, agents: ['Agent/9001'] },
  { name: 'b', url: 'http://10.0.0.2:8088', password: 'pb', dialTemplate: 'PJSIP/{number}@carrier-b' },
]);

describe('the Asterisk server list', () => {
  it('the single-server settings are a list of one', () => {
    const config = load({ CCS_ARI_URL: 'http://pbx:8088', CCS_ARI_PASSWORD: 'secret', CCS_ASTERISK_DIAL: 'PJSIP/{number}@out' });
    expect(config.ariServers).toEqual([{ name: 'asterisk', url: 'http://pbx:8088', user: 'ccs', password: 'secret', app: 'ccs', dialTemplate: 'PJSIP/{number}@out', channelLimit: 0, agents: [] }]);
  });

  it('CCS_ARI_SERVERS lists several; unset fields come from the single-server settings', () => {
    const config = load({ CCS_ARI_SERVERS: twoServers, CCS_ARI_USER: 'dialer', CCS_ARI_APP: 'outbound' });
    expect(config.ariServers.map((s) => [s.name, s.url, s.user, s.app, s.dialTemplate, s.channelLimit])).toEqual([
      ['a', 'http://10.0.0.1:8088', 'ccs', 'outbound', 'PJSIP/{number}@trunk', 60],
      ['b', 'http://10.0.0.2:8088', 'dialer', 'outbound', 'PJSIP/{number}@carrier-b', 0],
    ]);
  });

  it('an agent belongs to the server that lists it; the others have none until their phone comes online', () => {
    const config = load({ CCS_ARI_SERVERS: twoServers, CCS_AGENTS: 'Agent/9001=PJSIP/9001,Agent/9002=PJSIP/9002' });
    expect(config.agents.map((a) => [a.agentCode, a.server])).toEqual([
      ['Agent/9001', 'a'],
      ['Agent/9002', undefined],
    ]);
  });

  it('refuses bad lists with the setting named', () => {
    expect(() => load({ CCS_ARI_SERVERS: '[{"name":"a"' })).toThrow(/CCS_ARI_SERVERS.*not JSON/);
    expect(() => load({ CCS_ARI_SERVERS: '[]' })).toThrow(/non-empty list/);
    expect(() => load({ CCS_ARI_SERVERS: '[{"name":"a b","url":"http://x:8088"}]' })).toThrow(/CCS_ARI_SERVERS\[0\]\.name/);
    expect(() => load({ CCS_ARI_SERVERS: '[{"name":"a"}]' })).toThrow(/CCS_ARI_SERVERS\[0\]\.url/);
    expect(() => load({ CCS_ARI_SERVERS: '[{"name":"a","url":"http://x:8088"},{"name":"a","url":"http://y:8088"}]' })).toThrow(/listed twice/);
    expect(() => load({ CCS_ARI_SERVERS: '[{"name":"a","url":"http://x:8088","dialTemplate":"PJSIP/trunk"}]' })).toThrow(/needs \{number\}/);
    expect(() => load({ CCS_ARI_SERVERS: '[{"name":"a","url":"http://x:8088","agents":["A/1"]},{"name":"b","url":"http://y:8088","agents":["A/1"]}]' })).toThrow(/listed by both a and b/);
  });

  it('the new settings are known to the unknown-setting check', () => {
    expect(knownSettingNames()).toEqual(expect.arrayContaining(['CCS_ARI_SERVERS', 'CCS_ARI_SERVER_DOWN_SECONDS']));
  });
});
