// A binary min-heap of non-negative integers: Kahn's algorithm uses it to release
// ready cells in notebook order.
export class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const items = this.items;
    items.push(value);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentValue = items[parent] ?? 0;
      if (parentValue <= value) break;
      items[i] = parentValue;
      i = parent;
    }
    items[i] = value;
  }

  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const leftValue = items[left] ?? 0;
      const child = right < items.length && (items[right] ?? 0) < leftValue ? right : left;
      const childValue = items[child] ?? 0;
      if (childValue >= last) break;
      items[i] = childValue;
      i = child;
    }
    items[i] = last;
    return top;
  }
}
