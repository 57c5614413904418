import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { THREAT } from '../../../test/helpers/civility.js';
import type { TestClient } from '../../../test/helpers/test-client.js';
import type { Db } from '../../infra/db/database.js';
import { upsertPerson } from '../people/people.service.js';

/**
 * A post whose threat the guard's rules flag whatever the trained model scores it (and the
 * request must leave it out); the rest is civil, so the request quoting it can be sent.
 */
export const ABUSIVE_POST = `Nobody wants your library campaign. ${THREAT}`;

/** Amira, the supporter posts are matched to by her Twitter handle, written as `twitter`. */
export async function addAmira(db: Db, twitter: string): Promise<number> {
  const amira = await upsertPerson(db, {
    email: 'amira@example.org',
    firstName: 'Amira',
    customFields: { twitter },
    source: 'test',
  });
  return amira.id;
}

let postCounter = 0;

/** A post address no other test used. */
export function freshPostUrl(user = 'someone'): string {
  postCounter += 1;
  return `https://x.com/${user}/status/${Date.now()}${postCounter}`;
}

/** Records a post through the form as the given moderator; returns the new case's id. */
export async function recordThroughForm(
  client: TestClient,
  fields: Record<string, string>,
): Promise<number> {
  await client.get('/admin/outreach/new');
  const res = await client.post('/admin/outreach', {
    postUrl: freshPostUrl(),
    platform: '',
    handle: '',
    email: '',
    postText: ABUSIVE_POST,
    postedOn: '',
    ...fields,
  });
  assert.equal(res.statusCode, 303, res.body.slice(0, 800));
  const id = Number(/\/admin\/outreach\/(\d+)$/.exec(String(res.headers.location))?.[1]);
  assert.ok(id > 0);
  return id;
}

export async function caseRow(app: FastifyInstance, id: number) {
  return app.services.db.kysely
    .selectFrom('outreach_cases')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

export async function outreachMailTo(app: FastifyInstance, to: string) {
  return app.services.db.kysely
    .selectFrom('mail_outbox')
    .selectAll()
    .where('to_address', '=', to)
    .where('category', '=', 'outreach')
    .orderBy('id')
    .execute();
}
