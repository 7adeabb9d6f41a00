/**
 * A binary min-heap whose items know their own position, so any item can be removed or
 * re-keyed in O(log n) (the memory store's due contacts and pending callbacks). Each heap is
 * given how to read and write an item's position: one item may sit in several heaps at once.
 * A position of -1 means "not in this heap".
 */
export interface HeapSlot<T> {
  get(item: T): number;
  set(item: T, index: number): void;
}

export class IndexedHeap<T> {
  private readonly items: T[] = [];

  constructor(
    /** True when `a` must come out before `b`. A strict total order keeps results deterministic. */
    private readonly before: (a: T, b: T) => boolean,
    private readonly slot: HeapSlot<T>,
  ) {}

  get size(): number {
    return this.items.length;
  }

  has(item: T): boolean {
    return this.slot.get(item) >= 0;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const i = this.items.length;
    this.items.push(item);
    this.slot.set(item, i);
    this.up(i);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  remove(item: T): void {
    const i = this.slot.get(item);
    if (i < 0) return;
    const last = this.items.pop()!;
    this.slot.set(item, -1);
    if (i === this.items.length) return;
    this.items[i] = last;
    this.slot.set(last, i);
    this.fix(i);
  }

  /** Restores the order after the item's key changed; pushes it when it is not in the heap. */
  update(item: T): void {
    const i = this.slot.get(item);
    if (i < 0) this.push(item);
    else this.fix(i);
  }

  /**
   * Up to `limit` items in heap order, without removing them, visiting only items for which
   * `accept` holds. `accept` must be monotone (if an item is refused, so is everything after
   * it): the walk then costs O(k log k) for k results, whatever the heap's size.
   */
  smallest(limit: number, accept: (item: T) => boolean): T[] {
    const out: T[] = [];
    const items = this.items;
    if (limit <= 0 || items.length === 0 || !accept(items[0]!)) return out;
    // A small heap of frontier indices into `items`, ordered like the items they point at.
    const frontier: number[] = [0];
    const less = (a: number, b: number) => this.before(items[a]!, items[b]!);
    while (frontier.length > 0 && out.length < limit) {
      const i = popIndex(frontier, less);
      out.push(items[i]!);
      const left = 2 * i + 1;
      if (left < items.length && accept(items[left]!)) pushIndex(frontier, left, less);
      if (left + 1 < items.length && accept(items[left + 1]!)) pushIndex(frontier, left + 1, less);
    }
    return out;
  }

  private fix(i: number): void {
    if (!this.up(i)) this.down(i);
  }

  private up(i: number): boolean {
    const items = this.items;
    const item = items[i]!;
    let moved = false;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (!this.before(item, p)) break;
      items[i] = p;
      this.slot.set(p, i);
      i = parent;
      moved = true;
    }
    items[i] = item;
    this.slot.set(item, i);
    return moved;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.before(items[right]!, items[left]!) ? right : left;
      const c = items[child]!;
      if (!this.before(c, item)) break;
      items[i] = c;
      this.slot.set(c, i);
      i = child;
    }
    items[i] = item;
    this.slot.set(item, i);
  }
}

function pushIndex(heap: number[], value: number, less: (a: number, b: number) => boolean): void {
  let i = heap.length;
  heap.push(value);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!less(value, heap[parent]!)) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = value;
}

function popIndex(heap: number[], less: (a: number, b: number) => boolean): number {
  const top = heap[0]!;
  const last = heap.pop()!;
  const n = heap.length;
  if (n > 0) {
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && less(heap[right]!, heap[left]!) ? right : left;
      if (!less(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
  return top;
}
