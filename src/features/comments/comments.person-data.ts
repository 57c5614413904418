import { type Transaction, sql } from 'kysely';
import { nowIso } from '../../infra/db/database.js';
import type { Database } from '../../infra/db/schema.js';
import type { PersonDataHandler } from '../../infra/person-data.js';
import * as repo from './comments.repository.js';

const ERASED = '[erased]';

export function erasedCommenterEmail(commenterId: number): string {
  return `erased-commenter-${commenterId}@erased.invalid`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces each of the words (whole words only, any case) with "[erased]". */
export function scrubber(words: string[]): (text: string) => string {
  const unique = [...new Set(words.filter((w) => w.trim().length >= 2))].sort(
    (a, b) => b.length - a.length,
  );
  if (unique.length === 0) return (text) => text;
  const pattern = new RegExp(
    unique.map((w) => `(?<![\\p{L}\\p{N}])${escapeRegExp(w)}(?![\\p{L}\\p{N}])`).join('|'),
    'giu',
  );
  return (text) => text.replace(pattern, ERASED);
}

/** Other people's comments that quote the erased person's email or full name. */
async function scrubMentions(trx: Transaction<Database>, needles: string[]) {
  for (const needle of needles.filter((n) => n.length > 0)) {
    const pattern = `%${needle.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    await trx
      .updateTable('comments')
      .set({
        body: sql<string>`replace(body, ${needle}, ${ERASED})`,
        guard_spans: sql<string>`replace(guard_spans, ${needle}, ${ERASED})`,
      })
      .where(sql<boolean>`body like ${pattern} escape '\\'`)
      .execute();
  }
}

/** Commenters and their comments reach a person's data export and erasure. */
export const commentsPersonData: PersonDataHandler = {
  name: 'comments',
  async export(trx, person) {
    const commenters = await repo.commentersOfPerson(trx, person.id, person.email);
    return Promise.all(
      commenters.map(async (c) => ({
        displayName: c.display_name,
        email: c.email,
        confirmedAt: c.confirmed_at,
        suspendedUntil: c.suspended_until,
        bannedAt: c.banned_at,
        sanctionReason: c.sanction_reason,
        comments: (await repo.commentsOfCommenter(trx, c.id)).map((x) => ({
          discussion: x.thread_title,
          discussionKey: x.thread_key,
          status: x.status,
          authorName: x.author_name,
          text: x.body,
          postedAt: x.created_at,
          editedAt: x.edited_at,
        })),
      })),
    );
  },
  /**
   * The comments stay (replies keep their place) but lose the author's name, email and address,
   * and every mention of them in their own text; the commenter can no longer be recognised.
   */
  async erase(trx, person, needles) {
    const at = nowIso();
    for (const c of await repo.commentersOfPerson(trx, person.id, person.email)) {
      const comments = await repo.commentsOfCommenter(trx, c.id);
      const scrub = scrubber([
        c.email,
        c.display_name,
        ...comments.map((x) => x.author_name),
        person.email,
        person.firstName ?? '',
        person.lastName ?? '',
        ...needles,
      ]);
      for (const x of comments)
        await repo.updateComment(trx, x.id, {
          author_name: ERASED,
          body: scrub(x.body),
          // The spans quote the text and point into it: both changed.
          guard_spans: '[]',
          ip: '',
          confirm_token_hash: null,
          consent_wording: null,
          updated_at: at,
        });
      await repo.scrubLog(trx, c.id, scrub);
      await repo.updateCommenter(trx, c.id, {
        email: erasedCommenterEmail(c.id),
        display_name: ERASED,
        sanction_reason: c.sanction_reason === null ? null : scrub(c.sanction_reason),
        erased_at: at,
        updated_at: at,
      });
    }
    await scrubMentions(trx, needles);
  },
};
