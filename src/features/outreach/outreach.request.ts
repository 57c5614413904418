/**
 * The request itself: the editable template, the email it renders for a case (which the
 * civility guard must allow), and sending it.
 */
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import { campaignGuard } from '../civility/campaign-guard.service.js';
import { recordModeratorDecision } from '../civility/civility-learning.service.js';
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
import { type Result, fail, parseSpans } from './outreach.service.js';
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
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
): Promise<RequestTemplate & { id: number | null; savedAt: string | null }> {
  const row = await repo.latestTemplate(queries(ctx));
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
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  input: { row: repo.CaseRow; /** The moderator the request is signed by. */ signedBy: string },
): Promise<Result<{ request: RenderedRequest }>> {
  const { db } = ctx;
  const { row } = input;
  if (!SENDABLE.includes(row.status))
    return fail(
      row.status === 'unmatched'
        ? 'Match this case to a supporter first.'
        : 'A request has already been sent for this case.',
    );
  const person = row.person_id === null ? undefined : await getPerson(db, row.person_id);
  if (!person || person.erasedAt)
    return fail('The matched supporter no longer has an email address we can write to.');
  const template = await getTemplate(ctx);
  const values = {
    first_name: person.firstName ?? 'there',
    post_url: row.post_url,
    post_excerpt: excerptOf(row.post_text, parseSpans(row)),
    campaign_name: template.campaignName,
    moderator_name: input.signedBy,
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
  ctx: ServiceContext,
  input: { caseId: number; /** The moderator the request is signed by. */ signedBy: string },
  actor: Actor,
): Promise<Result<{ outboxId: number }>> {
  const { db } = ctx;
  const { caseId, signedBy } = input;
  const row = await repo.findCase(queries(ctx), caseId);
  if (!row) return fail('There is no such case.', 404);
  const rendered = await renderRequest(ctx, { row, signedBy });
  if (!rendered.ok) return rendered;
  const { request } = rendered;
  if (request.assessment.decision !== 'allow')
    return fail(
      'The request, as the template renders it for this case, does not pass the civility guard. Edit the template before sending.',
      422,
    );
  const now = ctx.clock.now().toISOString();
  return inTransaction(ctx, async ({ trx }) => {
    const moved = await repo.updateCaseIf(trx, caseId, SENDABLE, {
      status: 'sent',
      sent_at: now,
      sent_by: actorId(actor),
      request_subject: request.subject,
      request_body: request.text,
      updated_at: now,
    });
    if (!moved) return fail('A request has already been sent for this case.');
    // Asking for a post to come down is a moderator's judgement that its words are not civil:
    // an example the guard can learn from, with its score when the case was recorded.
    await recordModeratorDecision(trx, {
      source: 'outreach',
      sourceId: String(caseId),
      text: row.post_text,
      guardScore: row.score,
      guardDecision: row.decision,
      decision: 'reject',
      personId: request.person.id,
      personEmail: request.person.email,
      moderatorUserId: actorId(actor),
      at: now,
    });
    // A one-off service message about the supporter's own conduct: not marketing, so it does
    // not depend on (or change) their email consent.
    const outboxId = await ctx.mailer.send(
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
      actor_user_id: actorId(actor),
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
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
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
  ctx: ServiceContext,
  input: TemplateForm & { /** Who the sample the guard checks is signed by. */ signedBy: string },
  actor: Actor,
): Promise<
  | { ok: true }
  | { ok: false; errors: Errors; checked?: { text: string; assessment: CivilityAssessment } }
> {
  const form = input;
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

  const values = sampleValues(campaignName, input.signedBy);
  const sample = `${renderTemplate(subject, values)}\n\n${renderTemplate(body, values)}`;
  const assessment = (await campaignGuard(ctx.db)).assess(sample);
  if (assessment.decision !== 'allow')
    return {
      ok: false,
      errors: {
        body: 'The request itself does not pass the civility guard: it must be respectful. See the highlighted words below (shown filled in with sample values).',
      },
      checked: { text: sample, assessment },
    };
  await inTransaction(ctx, async ({ trx }) => {
    const id = await repo.insertTemplate(trx, {
      campaign_name: campaignName,
      subject,
      body,
      created_by: actorId(actor),
      created_at: ctx.clock.now().toISOString(),
    });
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'outreach.template.save',
        subjectType: 'outreach_template',
        subjectId: id,
      },
      trx,
    );
  });
  return { ok: true };
}
