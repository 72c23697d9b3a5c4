import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { busyThrottle } from "./busy-throttle";

interface Snap {
  n: number;
  busy: boolean;
}

describe("busyThrottle", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup() {
    const seen: number[] = [];
    const throttle = busyThrottle<Snap>((snap) => seen.push(snap.n), (snap) => snap.busy, 100, () => Date.now());
    return { seen, throttle };
  }

  it("delivers the first busy snapshot at once, then the newest once per interval", () => {
    const { seen, throttle } = setup();
    throttle.push({ n: 1, busy: true });
    throttle.push({ n: 2, busy: true });
    throttle.push({ n: 3, busy: true });
    expect(seen).toEqual([1]);
    vi.advanceTimersByTime(100);
    expect(seen).toEqual([1, 3]);
    throttle.push({ n: 4, busy: true });
    vi.advanceTimersByTime(99);
    expect(seen).toEqual([1, 3]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([1, 3, 4]);
  });

  it("delivers an idle snapshot at once, and nothing older after it", () => {
    const { seen, throttle } = setup();
    throttle.push({ n: 1, busy: true });
    throttle.push({ n: 2, busy: true });
    throttle.push({ n: 3, busy: false });
    expect(seen).toEqual([1, 3]);
    vi.advanceTimersByTime(1_000);
    expect(seen).toEqual([1, 3]);
  });

  it("delivers the first busy snapshot after an idle one at once", () => {
    const { seen, throttle } = setup();
    throttle.push({ n: 1, busy: true });
    throttle.push({ n: 2, busy: false });
    vi.advanceTimersByTime(10);
    throttle.push({ n: 3, busy: true });
    expect(seen).toEqual([1, 2, 3]);
  });

  it("drops what waits when cancelled", () => {
    const { seen, throttle } = setup();
    throttle.push({ n: 1, busy: true });
    throttle.push({ n: 2, busy: true });
    throttle.cancel();
    vi.advanceTimersByTime(1_000);
    throttle.push({ n: 3, busy: false });
    expect(seen).toEqual([1]);
  });
});
