import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { TestClient } from '../../../test/helpers/test-client.js';
import type { Db } from '../../infra/db/database.js';
import { nowIso } from '../../infra/db/database.js';
import type { CommentThread } from './comment-thread.js';
import * as repo from './comments.repository.js';
import { registerCommentThread } from './comments.service.js';
import type { ModerationMode } from './comments.tables.js';
import { CONFIRM_MAIL_CATEGORY } from './posting.service.js';

let counter = 0;

/** A fresh thread of its own, so tests never see each other's comments. */
export async function newThread(
  db: Db,
  opts: { mode?: ModerationMode; open?: boolean; title?: string } = {},
): Promise<CommentThread> {
  counter += 1;
  const thread = await registerCommentThread(db, {
    key: `test:${process.pid}-${counter}`,
    title: opts.title ?? `Test discussion ${counter}`,
    url: `/p/test-${counter}`,
  });
  if (opts.mode || opts.open === false) {
    await repo.updateThreadSettings(
      db.kysely,
      thread.id,
      { mode: opts.mode ?? thread.mode, open: opts.open === false ? 0 : 1 },
      nowIso(),
    );
    return { ...thread, mode: opts.mode ?? thread.mode, open: opts.open !== false };
  }
  return thread;
}

/** A distinct visitor (own IP), so per-address limits do not interfere between tests. */
export function visitor(app: FastifyInstance): TestClient {
  counter += 1;
  return new TestClient(app, {
    remoteAddress: `198.51.${(counter >> 8) & 255}.${counter & 255}`,
  });
}

let emailCounter = 0;
export function uniqueEmail(name = 'commenter'): string {
  emailCounter += 1;
  return `${name}-${process.pid}-${emailCounter}@example.org`;
}

/** The confirmation link of the latest comment mail to this address, from the outbox. */
export async function confirmationLink(db: Db, to: string): Promise<string> {
  const row = await db.kysely
    .selectFrom('mail_outbox')
    .select('text_body')
    .where('to_address', '=', to)
    .where('category', '=', CONFIRM_MAIL_CATEGORY)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  const link = row ? /https?:\/\/\S+\/comments\/confirm\/\S+/.exec(row.text_body)?.[0] : undefined;
  assert.ok(link, `a confirmation mail to ${to}`);
  return link;
}

export function pathOf(link: string): string {
  const url = new URL(link);
  return url.pathname + url.search;
}

/**
 * Opens a mailed confirmation link and presses its button, as a person does: the GET only shows
 * the form; the POST it sends (with the page's CSRF token) is what confirms.
 */
export async function confirmByButton(client: TestClient, link: string) {
  const page = await client.get(pathOf(link));
  const action = /<form method="post" action="([^"]+)"/.exec(page.body)?.[1];
  return action ? client.post(action) : page;
}

/**
 * A visitor who posts a first comment and confirms it from the mailed link: afterwards the
 * client carries the commenter cookie.
 */
export async function confirmedCommenter(
  app: FastifyInstance,
  thread: CommentThread,
  opts: { name?: string; email?: string; body?: string; client?: TestClient } = {},
): Promise<{ client: TestClient; email: string; confirm: Awaited<ReturnType<TestClient['get']>> }> {
  const client = opts.client ?? visitor(app);
  const email = opts.email ?? uniqueEmail();
  await client.get(thread.path);
  const posted = await client.post(thread.path, {
    name: opts.name ?? 'Rosa Parks',
    email,
    body: opts.body ?? 'I support this campaign.',
  });
  assert.equal(posted.statusCode, 200, posted.body.slice(0, 500));
  assert.match(posted.body, /Check your email/);
  const confirm = await confirmByButton(client, await confirmationLink(app.services.db, email));
  assert.equal(confirm.statusCode, 303, confirm.body.slice(0, 500));
  assert.ok(client.hasCookie('rally_commenter'));
  return { client, email, confirm };
}

export async function commentsOf(db: Db, threadId: number) {
  return db.kysely
    .selectFrom('comments')
    .selectAll()
    .where('thread_id', '=', threadId)
    .orderBy('id')
    .execute();
}
