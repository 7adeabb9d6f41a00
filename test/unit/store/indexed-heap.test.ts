import { describe, expect, it } from 'vitest';
import { IndexedHeap } from '../../../src/store/memory/indexed-heap.ts';

interface Item {
  key: number;
  id: number;
  pos: number;
}

const before = (a: Item, b: Item) => a.key < b.key || (a.key === b.key && a.id < b.id);
const sorted = (items: Item[]) => [...items].sort((a, b) => a.key - b.key || a.id - b.id);

/** A small deterministic PRNG (mulberry32), so a failure replays exactly. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('IndexedHeap', () => {
  it('keeps the same order as a sorted list through random pushes, pops, removals and re-keyings', () => {
    for (const seed of [1, 2, 3]) {
      const rnd = random(seed);
      const heap = new IndexedHeap<Item>(before, { get: (x) => x.pos, set: (x, i) => (x.pos = i) });
      let inHeap: Item[] = [];
      const all: Item[] = [];
      for (let step = 0; step < 3000; step++) {
        const r = rnd();
        if (r < 0.4 || inHeap.length === 0) {
          const item = { key: Math.floor(rnd() * 50), id: all.length, pos: -1 };
          all.push(item);
          heap.push(item);
          inHeap.push(item);
        } else if (r < 0.55) {
          const expected = sorted(inHeap)[0];
          expect(heap.pop()).toBe(expected);
          inHeap = inHeap.filter((x) => x !== expected);
        } else if (r < 0.7) {
          const victim = inHeap[Math.floor(rnd() * inHeap.length)]!;
          heap.remove(victim);
          inHeap = inHeap.filter((x) => x !== victim);
        } else if (r < 0.85) {
          const item = all[Math.floor(rnd() * all.length)]!;
          item.key = Math.floor(rnd() * 50);
          heap.update(item);
          if (!inHeap.includes(item)) inHeap.push(item);
        } else {
          const limit = Math.floor(rnd() * 8);
          const bound = Math.floor(rnd() * 50);
          expect(heap.smallest(limit, (x) => x.key <= bound)).toEqual(sorted(inHeap).filter((x) => x.key <= bound).slice(0, limit));
        }
        expect(heap.size).toBe(inHeap.length);
        expect(heap.peek()).toBe(sorted(inHeap)[0]);
      }
      for (const item of all) expect(heap.has(item)).toBe(inHeap.includes(item));
    }
  });

  it('removing an item that is not in the heap changes nothing', () => {
    const heap = new IndexedHeap<Item>(before, { get: (x) => x.pos, set: (x, i) => (x.pos = i) });
    const a = { key: 1, id: 1, pos: -1 };
    const b = { key: 2, id: 2, pos: -1 };
    heap.push(a);
    heap.remove(b);
    heap.remove(a);
    heap.remove(a);
    expect(heap.size).toBe(0);
    expect(heap.pop()).toBeUndefined();
    expect(heap.smallest(5, () => true)).toEqual([]);
  });
});
