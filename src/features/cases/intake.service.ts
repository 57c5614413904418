/**
 * How a case starts: a complaint from the public form (double opt-in before it counts), or staff
 * opening one from a comment, an outreach case, an event check-in or a person page.
 */
import { hashLinkToken, isLinkTokenShape, newLinkToken } from '../../infra/crypto/tokens.js';
import type { Actor } from '../../infra/service-context.js';
import { normaliseEmail } from '../../infra/validation/email.js';
import { parseWebUrl } from '../../infra/validation/text-rules.js';
import { findPersonByEmail, getPerson } from '../people/people.service.js';
import {
  type CaseContext,
  inCaseTransaction,
  type CaseTx,
  caseEvent,
  staffIdentity,
} from './case-context.js';
import { confirmComplaintMail } from './cases.mail.js';
import * as repo from './cases.repository.js';
import {
  CONFIRM_LINK_DAYS,
  DAY_MS,
  LINKS_MAX,
  LINK_MAX_LENGTH,
  NAME_MAX_LENGTH,
  SUMMARY_MAX_LENGTH,
  addDays,
} from './cases.rules.js';
import { getCaseSettings } from './cases.settings.js';
import { CATEGORIES, type CaseSource, type Category } from './cases.tables.js';
import { type EvidenceFile, addQuotedText, storeFile } from './evidence.service.js';

export interface ComplaintForm {
  name: string;
  email: string;
  category: string;
  respondentName: string;
  respondentEmail: string;
  summary: string;
  quoted: string;
  links: string;
  anonymous: boolean;
}

export type FieldErrors = Record<string, string>;

interface Checked {
  category: Category;
  summary: string;
  respondentName: string;
  respondentEmail: string | null;
  quoted: string;
  links: string[];
}

/** The parts of a complaint both doors share; every problem is reported at once. */
function checkComplaint(form: ComplaintForm, errors: FieldErrors): Checked | undefined {
  const category = CATEGORIES.find((c) => c === form.category);
  if (!category) errors.category = 'Choose what the complaint is about.';
  const summary = form.summary.trim();
  if (!summary) errors.summary = 'Describe what happened: a complaint cannot be empty.';
  else if (summary.length > SUMMARY_MAX_LENGTH)
    errors.summary = `At most ${SUMMARY_MAX_LENGTH.toLocaleString('en-GB')} characters.`;
  const respondentName = form.respondentName.trim();
  if (!respondentName) errors.respondentName = 'Name the person the complaint is about.';
  else if (respondentName.length > NAME_MAX_LENGTH)
    errors.respondentName = `At most ${NAME_MAX_LENGTH} characters.`;
  let respondentEmail: string | null = null;
  if (form.respondentEmail.trim()) {
    respondentEmail = normaliseEmail(form.respondentEmail);
    if (!respondentEmail) errors.respondentEmail = 'This is not an email address we can use.';
  }
  if (form.quoted.length > SUMMARY_MAX_LENGTH)
    errors.quoted = `At most ${SUMMARY_MAX_LENGTH.toLocaleString('en-GB')} characters.`;
  const links = form.links
    .split(/\s+/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (links.length > LINKS_MAX) errors.links = `At most ${LINKS_MAX} links.`;
  else if (links.some((l) => l.length > LINK_MAX_LENGTH || !parseWebUrl(l)))
    errors.links = 'Each link must be a full web address (https://…), one per line.';
  if (Object.keys(errors).length > 0 || !category) return undefined;
  return { category, summary, respondentName, respondentEmail, quoted: form.quoted.trim(), links };
}

async function addInitialEvidence(
  tx: CaseTx,
  caseId: number,
  c: Checked,
  file: EvidenceFile | undefined,
  party: 'complainant' | 'staff',
  staffId: number | null,
) {
  if (c.quoted) await addQuotedText(tx, caseId, c.quoted, party, staffId);
  for (const link of c.links)
    await repo.insertEvidence(tx.trx, {
      case_id: caseId,
      kind: 'link',
      body: link,
      added_by_party: party,
      added_by: staffId,
      created_at: tx.clock.now().toISOString(),
    });
  if (file) await storeFile(tx, caseId, file, party, staffId);
}

/**
 * A public complaint: stored unconfirmed (it counts nowhere and no staff member sees it) and a
 * confirmation link mailed to the complainant; the link's page has the button that confirms.
 */
export async function submitComplaint(
  ctx: CaseContext,
  form: ComplaintForm,
  file: EvidenceFile | undefined,
): Promise<{ ok: true; caseId: number } | { ok: false; errors: FieldErrors }> {
  const errors: FieldErrors = {};
  const name = form.name.trim();
  if (name.length > NAME_MAX_LENGTH) errors.name = `At most ${NAME_MAX_LENGTH} characters.`;
  const email = normaliseEmail(form.email);
  if (!email) errors.email = 'Give your email address: we send a link to confirm the complaint.';
  const checked = checkComplaint(form, errors);
  if (!checked || !email) return { ok: false, errors };
  if (checked.respondentEmail === email)
    return { ok: false, errors: { respondentEmail: 'A complaint cannot be about yourself.' } };
  const token = newLinkToken();
  const now = ctx.clock.now().toISOString();
  const caseId = await inCaseTransaction(ctx, async (tx) => {
    const id = await repo.insertCase(tx.trx, {
      status: 'unconfirmed',
      category: checked.category,
      summary: checked.summary,
      complainant_name: name || null,
      complainant_email: email,
      complainant_person_id: null,
      complainant_anonymous: form.anonymous ? 1 : 0,
      confirm_token_hash: hashLinkToken(token),
      respondent_name: checked.respondentName,
      respondent_email: checked.respondentEmail,
      respondent_person_id: null,
      respondent_token_hash: null,
      source: 'public',
      source_ref: null,
      handler_id: null,
      opened_by: null,
      created_at: now,
      updated_at: now,
    });
    await addInitialEvidence(tx, id, checked, file, 'complainant', null);
    await tx.mailer.send(
      confirmComplaintMail(email, `${ctx.config.baseUrl}/complaints/confirm/${token}`),
      tx.trx,
    );
    return id;
  });
  return { ok: true, caseId };
}

export type ConfirmState = { kind: 'valid' } | { kind: 'done' } | { kind: 'invalid' };

async function unconfirmedCase(ctx: CaseContext, token: string) {
  if (!isLinkTokenShape(token)) return undefined;
  return repo.findCaseByToken(ctx.db.kysely, 'confirm_token_hash', hashLinkToken(token));
}

function linkExpired(ctx: CaseContext, createdAt: string): boolean {
  return ctx.clock.now().getTime() - Date.parse(createdAt) > CONFIRM_LINK_DAYS * DAY_MS;
}

export async function checkConfirmLink(ctx: CaseContext, token: string): Promise<ConfirmState> {
  const c = await unconfirmedCase(ctx, token);
  if (!c || linkExpired(ctx, c.created_at)) return { kind: 'invalid' };
  return c.status === 'unconfirmed' ? { kind: 'valid' } : { kind: 'done' };
}

/** The complainant's button: the complaint is received and its acknowledgement clock starts. */
export async function confirmComplaint(ctx: CaseContext, token: string): Promise<ConfirmState> {
  const c = await unconfirmedCase(ctx, token);
  if (!c || linkExpired(ctx, c.created_at)) return { kind: 'invalid' };
  if (c.status !== 'unconfirmed') return { kind: 'done' };
  const settings = await getCaseSettings(ctx.db);
  const now = ctx.clock.now().toISOString();
  const person = c.complainant_email
    ? await findPersonByEmail(ctx.db, c.complainant_email)
    : undefined;
  const respondent = c.respondent_email
    ? await findPersonByEmail(ctx.db, c.respondent_email)
    : undefined;
  await inCaseTransaction(ctx, async (tx) => {
    const changed = await repo.updateCase(
      tx.trx,
      c.id,
      {
        status: 'received',
        received_at: now,
        next_due_at: addDays(now, settings.acknowledgeDays),
        next_due_what: 'acknowledge',
        complainant_person_id: person?.id ?? null,
        respondent_person_id: respondent?.id ?? null,
        updated_at: now,
      },
      'unconfirmed',
    );
    if (changed) await caseEvent(tx, c.id, 'received', null, 'Complainant confirmed their email.');
  });
  return { kind: 'done' };
}

export interface OpenCaseInput extends Omit<ComplaintForm, 'anonymous'> {
  anonymous: boolean;
  source: string;
  sourceRef: string;
  /** A person page's person: the respondent's name and email come from their record. */
  respondentPersonId?: number | undefined;
}

const STAFF_SOURCES: readonly CaseSource[] = [
  'staff',
  'comment',
  'outreach',
  'event_checkin',
  'person',
];

/**
 * Staff open a case from another part of Rally: it is received at once (no opt-in: the staff
 * member is accountable), with the complainant optional (staff may have seen it themselves).
 */
export async function openCase(
  ctx: CaseContext,
  input: OpenCaseInput,
  file: EvidenceFile | undefined,
  actor: Actor,
): Promise<{ ok: true; caseId: number } | { ok: false; errors: FieldErrors }> {
  const me = await staffIdentity(ctx, actor);
  const errors: FieldErrors = {};
  const source = STAFF_SOURCES.find((s) => s === input.source) ?? 'staff';
  let form = input;
  let respondentPersonId: number | null = null;
  if (input.respondentPersonId) {
    const person = await getPerson(ctx.db, input.respondentPersonId);
    if (!person || person.erasedAt)
      return { ok: false, errors: { respondentName: 'There is no such person.' } };
    respondentPersonId = person.id;
    form = {
      ...input,
      respondentName: [person.firstName, person.lastName].filter(Boolean).join(' ') || person.email,
      respondentEmail: person.email,
    };
  }
  const complainantEmail = form.email.trim() ? normaliseEmail(form.email) : null;
  if (form.email.trim() && !complainantEmail)
    errors.email = 'This is not an email address we can use.';
  const checked = checkComplaint(form, errors);
  if (!checked) return { ok: false, errors };
  if (checked.respondentEmail && checked.respondentEmail === me.email.toLowerCase())
    return { ok: false, errors: { respondentEmail: 'You cannot open a case about yourself.' } };
  const settings = await getCaseSettings(ctx.db);
  const now = ctx.clock.now().toISOString();
  const respondent =
    respondentPersonId ??
    (checked.respondentEmail
      ? (await findPersonByEmail(ctx.db, checked.respondentEmail))?.id
      : null);
  const complainant = complainantEmail
    ? await findPersonByEmail(ctx.db, complainantEmail)
    : undefined;
  const caseId = await inCaseTransaction(ctx, async (tx) => {
    const id = await repo.insertCase(tx.trx, {
      status: 'received',
      category: checked.category,
      summary: checked.summary,
      complainant_name: form.name.trim().slice(0, NAME_MAX_LENGTH) || null,
      complainant_email: complainantEmail,
      complainant_person_id: complainant?.id ?? null,
      complainant_anonymous: form.anonymous ? 1 : 0,
      confirm_token_hash: null,
      respondent_name: checked.respondentName,
      respondent_email: checked.respondentEmail,
      respondent_person_id: respondent ?? null,
      respondent_token_hash: null,
      source,
      source_ref: form.sourceRef.trim().slice(0, 200) || null,
      handler_id: null,
      opened_by: me.id,
      created_at: now,
      received_at: now,
      next_due_at: addDays(now, settings.acknowledgeDays),
      next_due_what: 'acknowledge',
      updated_at: now,
    });
    await addInitialEvidence(tx, id, checked, file, 'staff', me.id);
    await caseEvent(
      tx,
      id,
      'opened',
      me.id,
      `Opened from ${source}${form.sourceRef ? ` ${form.sourceRef}` : ''}.`,
    );
    return id;
  });
  return { ok: true, caseId };
}
