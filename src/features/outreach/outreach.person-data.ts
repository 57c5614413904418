import type { Transaction } from 'kysely';
import type { Database } from '../../infra/db/schema.js';
import type { PersonDataHandler, PersonRecord } from '../../infra/person-data.js';
import * as repo from './outreach.repository.js';

const ERASED = '[erased]';

/** The person's cases: matched to them, or naming their email address without a match yet. */
async function casesAbout(
  trx: Transaction<Database>,
  person: PersonRecord,
): Promise<repo.CaseRow[]> {
  const matched = await repo.fullCasesOfPerson(trx, person.id);
  const byEmail = await repo.unmatchedCasesByEmail(trx, person.email);
  return [...matched, ...byEmail.filter((c) => !matched.some((m) => m.id === c.id))];
}

/** Cases reach a person's data export and erasure (registered by outreach.feature.ts). */
export const outreachPersonData: PersonDataHandler = {
  name: 'outreach',
  async export(trx, person) {
    const cases = await casesAbout(trx, person);
    return cases.map((c) => ({
      case: c.id,
      status: c.status,
      platform: c.platform,
      postUrl: c.post_url,
      postText: c.post_text,
      handle: c.handle,
      email: c.email,
      postedOn: c.posted_on,
      guardScore: c.score,
      recordedAt: c.created_at,
      requestSentAt: c.sent_at,
      requestSubject: c.request_subject,
      requestBody: c.request_body,
      closedAt: c.closed_at,
    }));
  },
  /**
   * The case stays (the dashboard's counts stay true) but nothing in it points at the person:
   * the post's address and text, the handle and email, the request sent and the event notes.
   */
  async erase(trx, person) {
    for (const c of await casesAbout(trx, person)) {
      await repo.updateCase(trx, c.id, {
        post_url: ERASED,
        post_text: ERASED,
        handle: null,
        handle_key: null,
        email: null,
        spans: '[]',
        request_subject: null,
        request_body: null,
      });
      await repo.clearEventNotes(trx, c.id);
    }
  },
};
