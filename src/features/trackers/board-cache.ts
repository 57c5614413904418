import { LoadingCache } from '../../infra/cache/ttl-cache.js';
import type { ServiceContext } from '../../infra/service-context.js';
import { type Board, getTrackerBySlug, loadBoard } from './trackers.service.js';

/** How long a public board's data, JSON and page are reused before reading the database again. */
export const BOARD_TTL_MS = 2_000;
/** Boards kept in memory; the least recently read go first. */
export const MAX_CACHED_BOARDS = 1_000;

interface Entry {
  board: Board;
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
  private entries: LoadingCache<Entry>;

  constructor(private readonly ctx: ServiceContext) {
    this.entries = new LoadingCache(
      BOARD_TTL_MS,
      async (slug) => {
        const board = await this.load(slug);
        return board && { board };
      },
      { max: MAX_CACHED_BOARDS, clock: ctx.clock },
    );
  }

  private async load(slug: string): Promise<Board | undefined> {
    const tracker = await getTrackerBySlug(this.ctx, slug);
    if (!tracker?.published) return undefined;
    return loadBoard(this.ctx, tracker);
  }

  async board(slug: string): Promise<Board | undefined> {
    return (await this.entries.get(slug))?.board;
  }

  /** The board rendered by `render` (once per board), e.g. its JSON or its unfiltered page. */
  async rendered(
    slug: string,
    kind: 'json' | 'page',
    render: (board: Board) => string,
  ): Promise<string | undefined> {
    const entry = await this.entries.get(slug);
    if (!entry) return undefined;
    return (entry[kind] ??= render(entry.board));
  }

  forget(slug: string): void {
    this.entries.delete(slug);
  }
}
