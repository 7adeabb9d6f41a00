import { describe, expect, it } from 'vitest';
import { createAccountDirectory } from '../../../src/auth/accounts.ts';
import { hashPassword } from '../../../src/auth/password-hash.ts';
import { readAccounts } from '../../../src/config/accounts.ts';
import { ConfigError } from '../../../src/config/config-error.ts';

const CHEAP = { N: 1024, r: 8, p: 1 };

describe('accounts from configuration', () => {
  it('uses the documented demo accounts when none is configured', async () => {
    const accounts = readAccounts({});
    expect(accounts.demo).toBe(true);
    expect(accounts.list.map((a) => [a.username, a.role, a.agentCode])).toEqual([
      ['admin', 'admin', null],
      ['supervisor', 'supervisor', null],
      ['agent1', 'agent', 'Agent/1001'],
      ['agent2', 'agent', 'Agent/1002'],
      ['agent3', 'agent', 'Agent/1003'],
    ]);
    const directory = createAccountDirectory(accounts.list);
    expect((await directory.authenticate('admin', 'admin'))?.role).toBe('admin');
    expect((await directory.authenticate('agent1', 'agent1'))?.stationId).toBe('1001');
    expect(await directory.authenticate('agent1', 'admin')).toBeNull();
    expect(await directory.authenticate('nobody', 'nobody')).toBeNull();
  });

  it('reads configured accounts, and no demo account is active then', async () => {
    const hash = await hashPassword('pw', CHEAP);
    const accounts = readAccounts({
      accounts: [
        { username: 'lan', passwordHash: hash, role: 'agent', agentCode: 'Agent/2001' },
        { username: 'minh', passwordHash: hash, role: 'supervisor' },
      ],
    });
    expect(accounts.demo).toBe(false);
    expect(accounts.list).toEqual([
      { username: 'lan', passwordHash: hash, role: 'agent', agentCode: 'Agent/2001', stationId: '2001' },
      { username: 'minh', passwordHash: hash, role: 'supervisor', agentCode: null, stationId: null },
    ]);
    const directory = createAccountDirectory(accounts.list);
    expect(await directory.authenticate('admin', 'admin')).toBeNull();
    expect((await directory.authenticate('LAN', 'pw'))?.username).toBe('lan');
  });

  it("keeps a supervisor's monitoring phone (monitorEndpoint)", async () => {
    const hash = await hashPassword('pw', CHEAP);
    const accounts = readAccounts({ accounts: [{ username: 'minh', passwordHash: hash, role: 'supervisor', monitorEndpoint: 'PJSIP/sup1' }] });
    expect(accounts.list[0]).toMatchObject({ username: 'minh', monitorEndpoint: 'PJSIP/sup1' });
  });

  it('refuses plain-text passwords, unknown roles, duplicate names and shared agent codes, naming the setting', async () => {
    const hash = await hashPassword('pw', CHEAP);
    const cases: [unknown, string][] = [
      [[{ username: 'a', passwordHash: 'secret', role: 'agent' }], 'accounts[0].passwordHash'],
      [[{ username: 'a', passwordHash: hash, role: 'boss' }], 'accounts[0].role'],
      [[{ username: 'a', passwordHash: hash }, { username: 'A', passwordHash: hash }], 'accounts[1].username'],
      [[{ username: 'a', passwordHash: hash, agentCode: 'Agent/1' }, { username: 'b', passwordHash: hash, agentCode: 'Agent/1' }], 'accounts[1].agentCode'],
      [[{ username: 'a', passwordHash: hash, role: 'supervisor', agentCode: 'Agent/1' }], 'accounts[0].agentCode'],
      [[{ username: 'bad name', passwordHash: hash }], 'accounts[0].username'],
      [[{ username: 'a', passwordHash: hash, role: 'agent', monitorEndpoint: 'PJSIP/1' }], 'accounts[0].monitorEndpoint'],
      ['lan:pw', 'accounts'],
    ];
    for (const [accounts, setting] of cases) {
      let error: unknown;
      try {
        readAccounts({ accounts });
      } catch (e) {
        error = e;
      }
      expect(error, setting).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toContain(setting);
    }
  });
});
