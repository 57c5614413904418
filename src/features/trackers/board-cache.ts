import type { Db } from '../../infra/db/database.js';
import { type Board, getTrackerBySlug, loadBoard } from './trackers.service.js';

/** How long a public board's data, JSON and page are reused before reading the database again. */
export const BOARD_TTL_MS = 2_000;

interface Entry {
  at: number;
  board: Promise<Board | undefined>;
  /** Rendered lazily from the board, kept as long as it. */
  json?: string;
  page?: string;
}

/**
 * Public boards per slug, rebuilt at most once per BOARD_TTL_MS: a crowd watching a board (and
 * its script polling the JSON) costs a few queries a second, not a few per reader. Changes made
 * in this process forget the slug, so they show at once.
 */
export class BoardCache {
  private entries = new Map<string, Entry>();

  constructor(private readonly db: Db) {}

  private entry(slug: string, now: number): Entry {
    const hit = this.entries.get(slug);
    if (hit && now - hit.at < BOARD_TTL_MS) return hit;
    const entry: Entry = { at: now, board: this.load(slug) };
    this.entries.set(slug, entry);
    entry.board.then(
      // Unknown or unpublished slugs must not fill memory: keep only what exists.
      (b) => {
        if (!b && this.entries.get(slug) === entry) this.entries.delete(slug);
      },
      () => {
        if (this.entries.get(slug) === entry) this.entries.delete(slug);
      },
    );
    return entry;
  }

  private async load(slug: string): Promise<Board | undefined> {
    const tracker = await getTrackerBySlug(this.db, slug);
    if (!tracker?.published) return undefined;
    return loadBoard(this.db, tracker);
  }

  board(slug: string, now = Date.now()): Promise<Board | undefined> {
    return this.entry(slug, now).board;
  }

  /** The board rendered by `render` (once per board), e.g. its JSON or its unfiltered page. */
  async rendered(
    slug: string,
    kind: 'json' | 'page',
    render: (board: Board) => string,
    now = Date.now(),
  ): Promise<string | undefined> {
    const entry = this.entry(slug, now);
    const board = await entry.board;
    if (!board) return undefined;
    return (entry[kind] ??= render(board));
  }

  forget(slug: string): void {
    this.entries.delete(slug);
  }
}
