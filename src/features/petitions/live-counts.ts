import type { FastifyReply } from 'fastify';
import { CountCache, type CountCacheOptions } from '../../infra/cache/count-cache.js';
import type { Db } from '../../infra/db/database.js';
import * as repo from './petitions.repository.js';

/** How stale a served count may be: at most one count query per petition per interval. */
export const COUNT_REFRESH_MS = 1_000;
/** Petitions whose count is kept in memory; the least recently read are dropped first. */
export const MAX_CACHED_COUNTS = 10_000;
/** SSE watchers per process; beyond it new ones are told to poll count.json instead. */
export const MAX_STREAM_WATCHERS = 100_000;
const KEEPALIVE_MS = 25_000;
/** A change announced by another process reaches watchers after this (many coalesce into one). */
export const PUSH_DELAY_MS = 50;

/**
 * Petition counts served from memory: readers get the cached value, and at most one query per
 * petition per COUNT_REFRESH_MS goes to the database however many people watch.
 */
export class LiveCounts extends CountCache {
  constructor(db: Db, options: Omit<CountCacheOptions, 'max'> = {}) {
    super(COUNT_REFRESH_MS, (petitionId) => repo.signatureCount(db.kysely, petitionId), {
      ...options,
      max: MAX_CACHED_COUNTS,
      monotonic: true,
    });
  }
}

/**
 * Server-sent events: one ticker per watched petition pushes the count to all its watchers when
 * it changes, reading it from LiveCounts, so the cost is one cached read per second per petition.
 */
export class CountStreams {
  private watchers = new Map<number, Set<FastifyReply>>();
  private tickers = new Map<number, { timer: NodeJS.Timeout; last: number }>();
  private keepalive: NodeJS.Timeout | undefined;
  private pushes = new Set<number>();
  private total = 0;

  constructor(private readonly counts: LiveCounts) {}

  get size(): number {
    return this.total;
  }

  async attach(petitionId: number, reply: FastifyReply): Promise<boolean> {
    if (this.total >= MAX_STREAM_WATCHERS) return false;
    const count = await this.counts.get(petitionId);
    reply.hijack();
    // Hijacking bypasses Fastify's reply, so the headers already set on it (the route's
    // open-data set: CORS, nosniff) reach the client only if copied to the raw response.
    for (const [name, value] of Object.entries(reply.getHeaders()))
      if (value !== undefined) reply.raw.setHeader(name, value);
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    reply.raw.write(`retry: 5000\ndata: ${JSON.stringify({ count })}\n\n`);
    let set = this.watchers.get(petitionId);
    if (!set) {
      set = new Set();
      this.watchers.set(petitionId, set);
    }
    set.add(reply);
    this.total++;
    reply.raw.on('close', () => this.detach(petitionId, reply));
    if (!this.tickers.has(petitionId)) {
      const ticker = {
        last: count,
        timer: setInterval(() => void this.tick(petitionId), COUNT_REFRESH_MS),
      };
      this.tickers.set(petitionId, ticker);
    }
    this.keepalive ??= setInterval(() => this.ping(), KEEPALIVE_MS);
    return true;
  }

  private detach(petitionId: number, reply: FastifyReply) {
    const set = this.watchers.get(petitionId);
    if (!set?.delete(reply)) return;
    this.total--;
    if (set.size === 0) {
      this.watchers.delete(petitionId);
      const ticker = this.tickers.get(petitionId);
      if (ticker) clearInterval(ticker.timer);
      this.tickers.delete(petitionId);
    }
  }

  /** The count changed (announced by any process): watchers hear it now, not at the next tick. */
  changed(petitionId: number): void {
    if (!this.tickers.has(petitionId) || this.pushes.has(petitionId)) return;
    this.pushes.add(petitionId);
    setTimeout(() => {
      this.pushes.delete(petitionId);
      void this.tick(petitionId);
    }, PUSH_DELAY_MS).unref();
  }

  private async tick(petitionId: number) {
    const ticker = this.tickers.get(petitionId);
    if (!ticker) return;
    const count = await this.counts.get(petitionId).catch(() => ticker.last);
    if (count === ticker.last) return;
    ticker.last = count;
    const message = `data: ${JSON.stringify({ count })}\n\n`;
    for (const reply of this.watchers.get(petitionId) ?? []) reply.raw.write(message);
  }

  private ping() {
    for (const set of this.watchers.values())
      for (const reply of set) reply.raw.write(': keepalive\n\n');
  }

  /** Ends every stream (server shutdown). */
  close(): void {
    for (const ticker of this.tickers.values()) clearInterval(ticker.timer);
    this.tickers.clear();
    if (this.keepalive) clearInterval(this.keepalive);
    this.keepalive = undefined;
    for (const set of this.watchers.values()) for (const reply of set) reply.raw.end();
    this.watchers.clear();
    this.total = 0;
  }
}
