import { describe, expect, it } from 'vitest';
import { GroupTurns } from '../../../src/engine/group-turns.ts';

const drain = (turns: GroupTurns, max = 100): string[] => {
  const order: string[] = [];
  for (let g = turns.next(); g !== undefined && order.length < max; g = turns.next()) order.push(g);
  return order;
};

describe('group turns', () => {
  it('serves a group with a free agent before the rest of a full pass, then every other turn', () => {
    const turns = new GroupTurns();
    turns.sweepAll(['a', 'b', 'c', 'd']);
    expect(turns.next()).toBe('a');
    turns.nudge('x', 'freed');
    turns.nudge('y', 'freed');
    expect(drain(turns)).toEqual(['x', 'b', 'y', 'c', 'd']);
  });

  it('alternates groups whose calls ended with the groups of a full pass, so neither waits for the other', () => {
    const turns = new GroupTurns();
    turns.sweepAll(['a', 'b', 'c']);
    turns.nudge('x');
    turns.nudge('y');
    expect(drain(turns)).toEqual(['a', 'x', 'b', 'y', 'c']);
  });

  it('serves a group once however often it is named before its turn, and again when named during it', () => {
    const turns = new GroupTurns();
    turns.sweepAll(['a', 'b']);
    turns.nudge('a', 'freed');
    turns.nudge('a');
    expect(turns.next()).toBe('a');
    turns.nudge('a', 'freed'); // named while being served
    expect(drain(turns)).toEqual(['b', 'a']);
    expect(turns.pending).toBe(false);
  });

  it('still reaches every group of a full pass while agents keep becoming free', () => {
    const turns = new GroupTurns();
    const sweep = Array.from({ length: 50 }, (_, i) => `g${i}`);
    turns.sweepAll(sweep);
    const served: string[] = [];
    for (let i = 0; i < 200 && turns.pending; i++) {
      turns.nudge(`hot${i % 3}`, 'freed'); // an event before every turn
      served.push(turns.next()!);
    }
    expect(sweep.every((g) => served.includes(g))).toBe(true);
    expect(served.indexOf('g49')).toBeLessThan(2 * sweep.length + 2);
  });
});
