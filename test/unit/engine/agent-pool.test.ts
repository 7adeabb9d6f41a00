import { describe, expect, it } from 'vitest';
import { AgentPool } from '../../../src/engine/agent-pool.ts';

const ref = (n: number) => ({ agentCode: `Agent/${n}`, stationId: String(n) });

describe('AgentPool by group', () => {
  it('answers for one group only, follows a move between groups and forgets a removed agent', () => {
    const pool = new AgentPool((code) => (Number(code.slice(6)) % 2 === 0 ? 'even' : 'odd'));
    for (const n of [1, 2, 3, 4]) pool.upsertPresence(ref(n), true, null, 1000 + n);
    const codes = (group: string) => [...pool.inGroup(group)].map((a) => a.agentCode).sort();

    expect(codes('odd')).toEqual(['Agent/1', 'Agent/3']);
    expect(pool.pick('even')?.agentCode).toBe('Agent/2'); // ready longest
    expect(pool.countBy('even')).toMatchObject({ loggedIn: 2, available: 2 });

    pool.setGroup('Agent/2', 'odd');
    expect(pool.get('Agent/2')?.group).toBe('odd');
    expect(codes('odd')).toEqual(['Agent/1', 'Agent/2', 'Agent/3']);
    expect(codes('even')).toEqual(['Agent/4']);
    expect(pool.pick('even')?.agentCode).toBe('Agent/4');
    expect(pool.available('odd').map((a) => a.agentCode).sort()).toEqual(['Agent/1', 'Agent/2', 'Agent/3']);

    pool.remove('Agent/4');
    expect(codes('even')).toEqual([]);
    expect(pool.groups()).toEqual(['odd']);
    expect(pool.pick('even')).toBeUndefined();
  });
});
