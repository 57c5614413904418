/**
 * The request itself: the editable template, the email it renders for a case (which the
 * civility guard must allow), and sending it.
 */
import { nowIso } from '../../infra/db/database.js';
import type { Services } from '../../infra/services.js';
import { campaignGuard } from '../civility/campaign-guard.service.js';
import type { CivilityAssessment } from '../civility/civility.service.js';
import {
  type Person,
  currentConsent,
  getPerson,
  recordActivity,
} from '../people/people.service.js';
import type { ConsentStatus } from '../people/people.service.js';
import * as repo from './outreach.repository.js';
import { type Errors, PLATFORM_LABELS, SENDABLE } from './outreach.rules.js';
import { type Actor, type Result, fail, parseSpans } from './outreach.service.js';
import {
  CAMPAIGN_NAME_MAX_LENGTH,
  DEFAULT_TEMPLATE,
  type RequestTemplate,
  SUBJECT_MAX_LENGTH,
  TEMPLATE_BODY_MAX_LENGTH,
  excerptOf,
  renderTemplate,
  sampleValues,
  unknownPlaceholders,
} from './outreach.template.js';

export const OUTREACH_MAIL_CATEGORY = 'outreach';

// ---- the request -------------------------------------------------------------------------------

export async function getTemplate(
  services: Services,
): Promise<RequestTemplate & { id: number | null; savedAt: string | null }> {
  const row = await repo.latestTemplate(services.db.kysely);
  return row
    ? {
        id: row.id,
        campaignName: row.campaign_name,
        subject: row.subject,
        body: row.body,
        savedAt: row.created_at,
      }
    : { id: null, ...DEFAULT_TEMPLATE, savedAt: null };
}

export interface RenderedRequest {
  to: string;
  subject: string;
  text: string;
  /** The guard's view of the whole email (subject and body): it must allow it. */
  assessment: CivilityAssessment;
  person: Person;
  emailConsent: ConsentStatus | null;
}

/** The request as it would be sent now for this case, or why it cannot be sent. */
export async function renderRequest(
  services: Services,
  row: repo.CaseRow,
  moderatorName: string,
): Promise<Result<{ request: RenderedRequest }>> {
  const { db } = services;
  if (!SENDABLE.includes(row.status))
    return fail(
      row.status === 'unmatched'
        ? 'Match this case to a supporter first.'
        : 'A request has already been sent for this case.',
    );
  const person = row.person_id === null ? undefined : await getPerson(db, row.person_id);
  if (!person || person.erasedAt)
    return fail('The matched supporter no longer has an email address we can write to.');
  const template = await getTemplate(services);
  const values = {
    first_name: person.firstName ?? 'there',
    post_url: row.post_url,
    post_excerpt: excerptOf(row.post_text, parseSpans(row)),
    campaign_name: template.campaignName,
    moderator_name: moderatorName,
  };
  const subject = renderTemplate(template.subject, values).replace(/\s+/g, ' ').trim();
  const text = renderTemplate(template.body, values);
  const assessment = (await campaignGuard(db)).assess(`${subject}\n\n${text}`);
  return {
    ok: true,
    request: {
      to: person.email,
      subject,
      text,
      assessment,
      person,
      emailConsent: await currentConsent(db, person.id, 'email'),
    },
  };
}

/** Sends the request and marks the case sent, once (a second click finds it already sent). */
export async function sendRequest(
  services: Services,
  caseId: number,
  actor: Actor,
): Promise<Result<{ outboxId: number }>> {
  const { db } = services;
  const row = await repo.findCase(db.kysely, caseId);
  if (!row) return fail('There is no such case.', 404);
  const rendered = await renderRequest(services, row, actor.name);
  if (!rendered.ok) return rendered;
  const { request } = rendered;
  if (request.assessment.decision !== 'allow')
    return fail(
      'The request, as the template renders it for this case, does not pass the civility guard. Edit the template before sending.',
      422,
    );
  const now = nowIso();
  return db.kysely.transaction().execute(async (trx) => {
    const moved = await repo.updateCaseIf(trx, caseId, SENDABLE, {
      status: 'sent',
      sent_at: now,
      sent_by: actor.id,
      request_subject: request.subject,
      request_body: request.text,
      updated_at: now,
    });
    if (!moved) return fail('A request has already been sent for this case.');
    // A one-off service message about the supporter's own conduct: not marketing, so it does
    // not depend on (or change) their email consent.
    const outboxId = await services.mailer.send(
      {
        to: request.to,
        subject: request.subject,
        text: request.text,
        category: OUTREACH_MAIL_CATEGORY,
      },
      trx,
    );
    await repo.updateCase(trx, caseId, { outbox_id: outboxId });
    await repo.insertEvent(trx, {
      case_id: caseId,
      kind: 'sent',
      actor_user_id: actor.id,
      note: `Request sent to the supporter's email address.`,
      created_at: now,
    });
    await recordActivity(
      db,
      request.person.id,
      {
        kind: 'outreach',
        summary: `Asked privately to delete a post on ${PLATFORM_LABELS[row.platform]} (case #${caseId})`,
        refType: 'outreach_case',
        refId: caseId,
      },
      { trx },
    );
    await services.audit.record(
      {
        actorUserId: actor.id,
        action: 'outreach.request.send',
        subjectType: 'outreach_case',
        subjectId: caseId,
        details: { personId: request.person.id, outboxId },
      },
      trx,
    );
    return { ok: true as const, outboxId };
  });
}

/** Records what became of the post after the request: removed, or no response. */
// ---- template ----------------------------------------------------------------------------------

export interface TemplateForm {
  campaignName: string;
  subject: string;
  body: string;
}

/**
 * Saves a new version of the request. It must name the post ({{post_url}}), use only known
 * placeholders, and pass the civility guard when filled in with sample values.
 */
export async function saveTemplate(
  services: Services,
  form: TemplateForm,
  actor: Actor,
): Promise<
  | { ok: true }
  | { ok: false; errors: Errors; checked?: { text: string; assessment: CivilityAssessment } }
> {
  const errors: Errors = {};
  const campaignName = form.campaignName.replace(/\s+/g, ' ').trim();
  const subject = form.subject.replace(/\s+/g, ' ').trim();
  const body = form.body.replace(/\r\n?/g, '\n').trim();
  if (!campaignName) errors.campaignName = 'Give the campaign name the request is signed with.';
  else if (campaignName.length > CAMPAIGN_NAME_MAX_LENGTH)
    errors.campaignName = `The campaign name can be at most ${CAMPAIGN_NAME_MAX_LENGTH} characters.`;
  if (!subject) errors.subject = 'Write a subject line.';
  else if (subject.length > SUBJECT_MAX_LENGTH)
    errors.subject = `The subject can be at most ${SUBJECT_MAX_LENGTH} characters.`;
  if (!body) errors.body = 'Write the request.';
  else if (body.length > TEMPLATE_BODY_MAX_LENGTH)
    errors.body = `The request can be at most ${TEMPLATE_BODY_MAX_LENGTH} characters.`;
  else if (!/\{\{\s*post_url\s*\}\}/.test(body))
    errors.body = 'The request must include {{post_url}}, so the supporter knows which post.';
  const unknown = [...unknownPlaceholders(subject), ...unknownPlaceholders(body)];
  if (unknown.length)
    errors.placeholders = `Unknown placeholders: ${[...new Set(unknown)].map((p) => `{{${p}}}`).join(', ')}.`;
  if (Object.keys(errors).length) return { ok: false, errors };

  const values = sampleValues(campaignName, actor.name);
  const sample = `${renderTemplate(subject, values)}\n\n${renderTemplate(body, values)}`;
  const assessment = (await campaignGuard(services.db)).assess(sample);
  if (assessment.decision !== 'allow')
    return {
      ok: false,
      errors: {
        body: 'The request itself does not pass the civility guard: it must be respectful. See the highlighted words below (shown filled in with sample values).',
      },
      checked: { text: sample, assessment },
    };
  await services.db.kysely.transaction().execute(async (trx) => {
    const id = await repo.insertTemplate(trx, {
      campaign_name: campaignName,
      subject,
      body,
      created_by: actor.id,
      created_at: nowIso(),
    });
    await services.audit.record(
      {
        actorUserId: actor.id,
        action: 'outreach.template.save',
        subjectType: 'outreach_template',
        subjectId: id,
      },
      trx,
    );
  });
  return { ok: true };
}
