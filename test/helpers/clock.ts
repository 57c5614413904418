/**
 * A clock for the app under test (config.clock): real time plus however far the test has moved
 * it on, so a form's minimum fill time passes when the test says, not after a sleep.
 */
export class TestClock {
  private offsetMs = 0;

  readonly now = (): number => Date.now() + this.offsetMs;

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
