import type { FastifyInstance, FastifyReply } from 'fastify';
import { publicLayout } from '../../infra/html/layout.js';
import { sendHtml, sendJsonNotFound, sendNotice } from '../../infra/http/public-notice.js';
import { typedRoutes } from '../../infra/http/input.js';
import type { Services } from '../../infra/services.js';
import type { BoardCache } from './board-cache.js';
import {
  type Board,
  type BoardFilters,
  filterEntries,
  listAllTrackers,
} from './trackers.service.js';
import { boardQuery, slugParams } from './trackers.input.js';
import { boardJson, boardPage, trackerIndex } from './trackers.public.views.js';

/** Readers and shared caches may reuse a board this long; the live script polls for changes. */
export const BOARD_MAX_AGE_S = 2;
const OPEN_DATA = { config: { securityHeaders: 'open-data' as const } };

function description(board: Board): string {
  const text = board.tracker.description.replace(/\s+/g, ' ').trim();
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

function renderBoard(board: Board, filters: BoardFilters): string {
  const desc = description(board);
  return publicLayout({
    title: board.tracker.title,
    body: boardPage({ board, entries: filterEntries(board, filters), filters }),
    scripts: ['trackers.js'],
    ...(desc ? { description: desc } : {}),
  }).value;
}

/** Boards and the index are the same for every reader: shared caches may keep them briefly. */
function sendShared(reply: FastifyReply, text: string) {
  return sendHtml(reply, 200, text, `public, max-age=${BOARD_MAX_AGE_S}`);
}

/** The public boards and their open data. */
export async function trackersPublicRoutes(
  base: FastifyInstance,
  services: Services,
  cache: BoardCache,
) {
  const app = typedRoutes(base);
  const { config } = services;

  app.get('/trackers', async (_req, reply) => {
    const trackers = await listAllTrackers(services, { publishedOnly: true });
    const boards = (await Promise.all(trackers.map((t) => cache.board(t.slug)))).filter(
      (b): b is Board => b !== undefined,
    );
    return sendShared(reply, publicLayout({ title: 'Trackers', body: trackerIndex(boards) }).value);
  });

  app.get(
    '/trackers/:slug.json',
    { ...OPEN_DATA, schema: { params: slugParams } },
    async (req, reply) => {
      const { slug } = req.params;
      const text = await cache.rendered(slug, 'json', (board) =>
        JSON.stringify(boardJson(board, config.baseUrl)),
      );
      if (!text)
        return sendJsonNotFound(reply.header('cache-control', 'no-store'), 'No such tracker.');
      return reply
        .header('cache-control', `public, max-age=${BOARD_MAX_AGE_S}`)
        .type('application/json; charset=utf-8')
        .send(text);
    },
  );

  app.get(
    '/trackers/:slug',
    { schema: { params: slugParams, querystring: boardQuery } },
    async (req, reply) => {
      const { slug } = req.params;
      const filters = req.query;
      const unfiltered = !filters.party && !filters.region && !filters.status;
      const text = unfiltered
        ? await cache.rendered(slug, 'page', (board) => renderBoard(board, filters))
        : await cache.board(slug).then((board) => board && renderBoard(board, filters));
      if (!text)
        return sendNotice(
          reply,
          404,
          'Tracker not found',
          'There is no tracker at this address. It may have been moved or not published yet.',
        );
      return sendShared(reply, text);
    },
  );
}
