import { describe, expect, it } from 'vitest';
import type { CallRoute } from '../../../src/ports/telephony.ts';
import { chooseServer, type ServerLoad } from '../../../src/telephony/multi-server/server-choice.ts';

function server(name: string, agents: string[], options: Partial<{ up: boolean; legs: number; channelLimit: number; waiting: number }> = {}): ServerLoad {
  return {
    name,
    up: options.up ?? true,
    legs: options.legs ?? 0,
    channelLimit: options.channelLimit ?? 0,
    waitingLegs: () => options.waiting ?? 0,
    hasAgent: (code) => agents.includes(code),
  };
}

const route = (ready: string[], busy: string[] = []): CallRoute => ({
  group: 'sales',
  agents: [...ready.map((agentCode) => ({ agentCode, ready: true })), ...busy.map((agentCode) => ({ agentCode, ready: false }))],
});

describe('choice of the Asterisk server for a customer leg', () => {
  it('places the leg where a free agent of the group is', () => {
    const servers = [server('a', ['A1']), server('b', ['B1'])];
    expect(chooseServer(servers, route(['B1'], ['A1']))).toEqual({ server: 'b' });
  });

  it('counts the legs already waiting there for the same group against its free agents', () => {
    const servers = [server('a', ['A1', 'A2'], { waiting: 2 }), server('b', ['B1'], { waiting: 0 })];
    expect(chooseServer(servers, route(['A1', 'A2', 'B1']))).toEqual({ server: 'b' });
  });

  it('never places a leg on a server without an agent of the group, even with room', () => {
    const servers = [server('a', []), server('b', ['B1'], { legs: 50 })];
    expect(chooseServer(servers, route([], ['B1']))).toEqual({ server: 'b' });
  });

  it('skips a server that is down or at its channel limit', () => {
    expect(chooseServer([server('a', ['A1'], { up: false }), server('b', ['B1'])], route(['A1', 'B1']))).toEqual({ server: 'b' });
    expect(chooseServer([server('a', ['A1'], { legs: 10, channelLimit: 10 }), server('b', ['B1'])], route(['A1', 'B1']))).toEqual({ server: 'b' });
  });

  it('refuses when only a server that is down, or full, has agents of the group', () => {
    const refused = chooseServer([server('a', ['A1'], { up: false }), server('b', [])], route(['A1']));
    expect(refused).toEqual({ refused: expect.stringMatching(/no Asterisk server that is up .* group sales/) });
    expect(chooseServer([server('a', [], { up: false })], undefined)).toEqual({ refused: 'no Asterisk server is up' });
    expect(chooseServer([server('a', ['A1'], { legs: 2, channelLimit: 2 })], route(['A1']))).toEqual({ refused: expect.stringMatching(/channel limit \(a 2\/2\)/) });
  });

  it('a reserved leg goes to its agent’s server', () => {
    const servers = [server('a', ['A1'], { legs: 0 }), server('b', ['B1'], { legs: 9 })];
    expect(chooseServer(servers, { group: 'sales', agents: [{ agentCode: 'B1', ready: true }] })).toEqual({ server: 'b' });
  });

  it('without agents named, the server with the fewest legs up', () => {
    expect(chooseServer([server('a', [], { legs: 3 }), server('b', [], { legs: 1 })], undefined)).toEqual({ server: 'b' });
  });

  it('between equal scores, the server with more agents of the group', () => {
    const servers = [server('a', ['A1']), server('b', ['B1', 'B2'])];
    expect(chooseServer(servers, route(['A1', 'B1'], ['B2']))).toEqual({ server: 'b' });
  });
});
