import { Readable } from 'node:stream';

/**
 * The commit point of a send is SMTP's own: a server accepts a message only at the end-of-data
 * dot, and nothing it got before the dot is delivered. So each recipient row is recorded
 * `handed_off` immediately before its dot is written, and never sooner: a row still `sending`
 * after a crash had no dot on the wire and is safely sent again; a `handed_off` row may have
 * arrived and is never sent again.
 *
 * nodemailer's SMTP connection pipes the message into its DataStream only after the server's 354,
 * and the DataStream writes the dot when its source ends. A HandoffStream pushes the message on
 * the first read (after the 354) and ends only once the gate has committed `handed_off`.
 */
export class HandoffStream extends Readable {
  private started = false;

  constructor(
    private readonly message: Buffer,
    private readonly gate: () => Promise<boolean>,
  ) {
    super();
  }

  override _read(): void {
    if (this.started) return;
    this.started = true;
    this.push(this.message);
    this.gate().then(
      (ok) => {
        if (ok) this.push(null);
        // The row is not ours any more (another worker took the mailing over): no dot, no message.
        else this.destroy(new Error('handoff refused: the row was claimed again elsewhere'));
      },
      (err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))),
    );
  }
}

/**
 * Group commit of `handed_off`: messages whose data has gone out wait here, and one statement
 * records all that are waiting; while it runs, the next arrivals gather for the following one.
 * `commit` answers which of the ids it recorded.
 */
export class HandoffGate {
  private waiting = new Map<number, (ok: boolean) => void>();
  private failures = new Map<number, (err: unknown) => void>();
  private running = false;

  constructor(private readonly commit: (ids: number[]) => Promise<Set<number>>) {}

  /** Resolves true once `id` is recorded handed off (false: the row was not ours). */
  enter(id: number): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.waiting.set(id, resolve);
      this.failures.set(id, reject);
      if (!this.running) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.running = true;
    // Let the messages whose 354 arrived in the same turn join this statement.
    await new Promise((r) => setImmediate(r));
    while (this.waiting.size > 0) {
      const batch = this.waiting;
      const failures = this.failures;
      this.waiting = new Map();
      this.failures = new Map();
      try {
        const recorded = await this.commit([...batch.keys()]);
        for (const [id, resolve] of batch) resolve(recorded.has(id));
      } catch (err) {
        for (const reject of failures.values()) reject(err);
      }
    }
    this.running = false;
  }
}
