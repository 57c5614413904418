import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type ChangeHandler = (payload: string) => void;

/**
 * Tells every Rally process about a change another one committed (a confirmed signature, a
 * moderator's invalidation), so per-process caches stay true without polling.
 *
 * On PostgreSQL it is LISTEN/NOTIFY: `notify` inside a transaction is delivered when it commits
 * and never if it rolls back, to each process's one listening connection. On SQLite there is one
 * process, whose code already updates its own caches, so `shared` is false and nothing is sent.
 */
export interface ChangeFeed {
  /** True when notifications reach other processes (PostgreSQL). */
  readonly shared: boolean;
  notify(executor: Kysely<Database>, channel: string, payload: string): Promise<void>;
  /** Calls `handler` for every notification on `channel`, from this process's too. */
  listen(channel: string, handler: ChangeHandler): Promise<void>;
  close(): Promise<void>;
}

export const localChangeFeed: ChangeFeed = {
  shared: false,
  notify: async () => {},
  listen: async () => {},
  close: async () => {},
};

/** After a lost connection, listen again after this long (notifications meanwhile are missed). */
const RECONNECT_MS = 1_000;
/** PostgreSQL's limit on a NOTIFY payload is 8000 bytes; ours are ids and counts. */
export const MAX_PAYLOAD_BYTES = 7_000;

/**
 * One dedicated connection per process (LISTEN holds its session, so it cannot come from the
 * pool, nor through PgBouncer in transaction mode: see docs/DEPLOY.md). Opened on the first
 * listen; re-opened after a drop, and `onReconnect` lets caches reload what they may have missed.
 */
export class PostgresChangeFeed implements ChangeFeed {
  readonly shared = true;
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private readonly handlers = new Map<string, Set<ChangeHandler>>();
  private readonly reconnectHandlers = new Set<() => void>();
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly connectionString: string) {}

  async notify(executor: Kysely<Database>, channel: string, payload: string): Promise<void> {
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES)
      throw new Error(`notification on ${channel} too long (${payload.length} characters)`);
    await sql`select pg_notify(${channel}, ${payload})`.execute(executor);
  }

  async listen(channel: string, handler: ChangeHandler): Promise<void> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
    }
    set.add(handler);
    await this.connect();
    // A channel added after connecting needs its own LISTEN.
    if (set.size === 1 && this.client) await this.client.query(`listen ${channel}`);
  }

  /** Called after the connection came back: notifications sent while it was down were lost. */
  onReconnect(handler: () => void): void {
    this.reconnectHandlers.add(handler);
  }

  private connect(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (msg) => {
      for (const handler of this.handlers.get(msg.channel) ?? []) handler(msg.payload ?? '');
    });
    client.on('error', () => this.drop(client));
    client.on('end', () => this.drop(client));
    await client.connect();
    for (const channel of this.handlers.keys()) await client.query(`listen ${channel}`);
    this.client = client;
  }

  private drop(client: pg.Client) {
    if (this.client !== client) return;
    this.client = undefined;
    void client.end().catch(() => {});
    if (this.closed || this.retry) return;
    const again = () => {
      this.retry = undefined;
      this.connect().then(
        () => {
          for (const handler of this.reconnectHandlers) handler();
        },
        () => (this.retry ??= setTimeout(again, RECONNECT_MS)),
      );
    };
    this.retry = setTimeout(again, RECONNECT_MS);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    await this.connecting?.catch(() => {});
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}
