/**
 * What the "open a case" form starts with when staff come from another page: the comment's words
 * and author, the outreach case's post and supporter, a person's record, an event check-in's
 * reference. The staff member checks and completes it; nothing is saved until they submit.
 */
import type { Db } from '../../infra/db/database.js';
import { commentForCase } from '../comments/comments.service.js';
import { getCase as getOutreachCase } from '../outreach/outreach.service.js';
import { displayName, getPerson } from '../people/people.service.js';
import { type ComplaintFormValues, emptyComplaint } from './cases.views.js';

export async function prefillFrom(
  db: Db,
  source: string,
  ref: number | undefined,
): Promise<{ form: ComplaintFormValues; respondentPersonId?: number | undefined }> {
  const form = emptyComplaint();
  if (ref === undefined) return { form };
  if (source === 'comment') {
    const comment = await commentForCase(db, ref);
    if (!comment) return { form };
    return {
      form: {
        ...form,
        quoted: comment.body,
        respondentName: comment.authorName,
        respondentEmail: comment.email ?? '',
      },
    };
  }
  if (source === 'outreach') {
    const view = await getOutreachCase({ db }, ref);
    if (!view) return { form };
    const { row, person } = view;
    const live = person && !person.erasedAt ? person : null;
    return {
      form: {
        ...form,
        category: 'online_abuse',
        quoted: row.post_text,
        links: row.post_url,
        respondentName: live ? displayName(live) : (row.handle ?? ''),
        respondentEmail: live?.email ?? row.email ?? '',
      },
      respondentPersonId: live?.id,
    };
  }
  if (source === 'person') {
    const person = await getPerson(db, ref);
    if (!person || person.erasedAt) return { form };
    return {
      form: { ...form, respondentName: displayName(person), respondentEmail: person.email },
      respondentPersonId: person.id,
    };
  }
  if (source === 'event_checkin') return { form: { ...form, category: 'misconduct_at_event' } };
  return { form };
}
