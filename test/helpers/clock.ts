import type { Clock } from '../../src/infra/cache/clock.js';

/** A clock that moves only when the test says so: cache expiry without waiting. */
export class TestClock implements Clock {
  constructor(private time = 1_000_000) {}

  now(): number {
    return this.time;
  }

  advance(ms: number): void {
    this.time += ms;
  }
}
