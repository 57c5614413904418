/**
 * Mailings: compose, check, schedule, cancel, test-send. Other features call only what is
 * exported here (and from unsubscribe.service.ts for the footer of their confirmation emails).
 */
import { campaignGuard } from '../civility/campaign-guard.service.js';
import { getSegment } from '../people/segments.service.js';
import { ACTION_LINKS, type ActionLink } from './action-links.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import { normaliseEmail } from '../../infra/validation/email.js';
import type { Services } from '../../infra/services.js';
import { londonInputToIso } from '../../infra/clock/london-time.js';
import { MergeFieldError, parseMergeTags, fillMergeTags, usesField } from './merge-fields.js';
import * as repo from './mailings.repository.js';
import type { MailingStatus } from './mailings.tables.js';

export const SUBJECT_MAX_LENGTH = 200;
export const PREHEADER_MAX_LENGTH = 200;
export const FROM_NAME_MAX_LENGTH = 80;
export const BODY_MAX_LENGTH = 50_000;
/** Segments to include, and to exclude, per mailing. */
export const MAX_SEGMENTS = 10;

export const SEND_JOB = 'mailings.send';
/** Chooses a subject test's winner once its wait is over, and sends it to the rest. */
export const DECIDE_JOB = 'mailings.decide-subject';

/** Subject lines per mailing, the first included (A, B, C). */
export const MAX_SUBJECTS = 3;
export const VARIANTS = ['a', 'b', 'c'] as const;
export type Variant = (typeof VARIANTS)[number];
/** The test slice: a share of the audience, in percent. */
export const TEST_PERCENT_MIN = 1;
export const TEST_PERCENT_MAX = 50;
/** Hours from sending the test to choosing the winner. */
export const TEST_WAIT_MIN_HOURS = 1;
export const TEST_WAIT_MAX_HOURS = 72;
export const TEST_WAIT_DEFAULT_HOURS = 4;

export interface MailingForm {
  subject: string;
  preheader: string;
  fromName: string;
  replyTo: string;
  body: string;
  segmentIds: string[];
  excludeSegmentIds: string[];
  clickTracking: boolean;
  /** The petition `{{petition_url}}` links to ('' none). */
  petitionId: string;
  /** The letter campaign `{{letter_url}}` links to ('' none). */
  letterCampaignId: string;
  /** The event `{{event_url}}` links to ('' none). */
  eventId: string;
  /** Subject lines B and C of a subject test; blank boxes are ignored. */
  subjectVariants: string[];
  /** Test slice in percent ('' no test). */
  testPercent: string;
  /** Hours to wait before choosing the winner ('' the default). */
  testWaitHours: string;
}

/** The subject-test and petition fields of a form that uses none of them. */
export const NO_TEST_FIELDS = {
  petitionId: '',
  letterCampaignId: '',
  eventId: '',
  subjectVariants: [],
  testPercent: '',
  testWaitHours: '',
} as const satisfies Partial<MailingForm>;

/** A saved mailing as its form shows it (to edit it, or to check it again before sending). */
export function formOf(m: Mailing): MailingForm {
  return {
    subject: m.subject,
    preheader: m.preheader,
    fromName: m.fromName,
    replyTo: m.replyTo ?? '',
    body: m.body,
    segmentIds: m.segmentIds.map(String),
    excludeSegmentIds: m.excludeSegmentIds.map(String),
    clickTracking: m.clickTracking,
    petitionId: m.petitionId === null ? '' : String(m.petitionId),
    letterCampaignId: m.letterCampaignId === null ? '' : String(m.letterCampaignId),
    eventId: m.eventId === null ? '' : String(m.eventId),
    subjectVariants: m.subjectVariants,
    testPercent: m.testPercent === null ? '' : String(m.testPercent),
    testWaitHours: m.testWaitHours === null ? '' : String(m.testWaitHours),
  };
}

export type FieldErrors = Partial<Record<keyof MailingForm, string>>;
export type SaveResult = { ok: true; id: number } | { ok: false; errors: FieldErrors };

export interface Mailing {
  id: number;
  status: MailingStatus;
  subject: string;
  preheader: string;
  fromName: string;
  replyTo: string | null;
  body: string;
  segmentIds: number[];
  excludeSegmentIds: number[];
  clickTracking: boolean;
  auditPublic: boolean;
  petitionId: number | null;
  letterCampaignId: number | null;
  eventId: number | null;
  /** Subject lines B (and C) of a subject test; empty without one. */
  subjectVariants: string[];
  testPercent: number | null;
  testWaitHours: number | null;
  testDecideAt: string | null;
  testWinner: Variant | null;
  scheduledAt: string | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

function strings(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function isVariant(v: string | null): v is Variant {
  return v !== null && (VARIANTS as readonly string[]).includes(v);
}

/** Every subject line of the mailing, A first. */
export function subjectsOf(m: Pick<Mailing, 'subject' | 'subjectVariants'>): string[] {
  return [m.subject, ...m.subjectVariants];
}

/** The subject line a variant ('a', 'b', 'c') stands for; A when there is none. */
export function subjectFor(
  m: Pick<Mailing, 'subject' | 'subjectVariants'>,
  variant: string | null,
): string {
  const i = variant ? VARIANTS.indexOf(variant as Variant) : 0;
  return subjectsOf(m)[i] ?? m.subject;
}

function ids(json: string): number[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is number => Number.isInteger(x)) : [];
  } catch {
    return [];
  }
}

export function toMailing(r: repo.MailingRow): Mailing {
  return {
    id: r.id,
    status: r.status,
    subject: r.subject,
    preheader: r.preheader,
    fromName: r.from_name,
    replyTo: r.reply_to,
    body: r.body_markdown,
    segmentIds: ids(r.segment_ids),
    excludeSegmentIds: ids(r.exclude_segment_ids),
    clickTracking: r.click_tracking === 1,
    auditPublic: r.audit_public === 1,
    petitionId: r.petition_id,
    letterCampaignId: r.letter_campaign_id,
    eventId: r.event_id,
    subjectVariants: strings(r.subject_variants),
    testPercent: r.test_percent,
    testWaitHours: r.test_wait_hours,
    testDecideAt: r.test_decide_at,
    testWinner: isVariant(r.test_winner) ? r.test_winner : null,
    scheduledAt: r.scheduled_at,
    error: r.error,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

export async function getMailing(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  id: number,
): Promise<Mailing | undefined> {
  const row = await repo.findMailing(queries(ctx), id);
  return row ? toMailing(row) : undefined;
}

export async function listMailings(ctx: Pick<ServiceContext, 'db' | 'trx'>): Promise<Mailing[]> {
  return (await repo.listMailings(queries(ctx))).map(toMailing);
}

// Line breaks in a header value would let the text add headers of its own.
const LINE_BREAK = /[\r\n]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function parseIdList(values: string[], label: string, errors: FieldErrors, key: keyof MailingForm) {
  const out: number[] = [];
  for (const v of values.map((s) => s.trim()).filter(Boolean)) {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) errors[key] ??= `${label}: "${v}" is not a segment.`;
    else if (!out.includes(n)) out.push(n);
  }
  if (out.length > MAX_SEGMENTS) errors[key] ??= `Choose at most ${MAX_SEGMENTS} segments.`;
  return out;
}

interface CheckedMailing {
  subject: string;
  preheader: string;
  fromName: string;
  replyTo: string | null;
  body: string;
  segmentIds: number[];
  excludeSegmentIds: number[];
  clickTracking: boolean;
  petitionId: number | null;
  letterCampaignId: number | null;
  eventId: number | null;
  subjectVariants: string[];
  testPercent: number | null;
  testWaitHours: number | null;
}

/** A subject line's own rules (each line of a subject test passes them). */
function subjectError(raw: string, label: string): string | undefined {
  const subject = raw.trim();
  if (!subject) return `Give the mailing a ${label}.`;
  if (LINE_BREAK.test(raw) || CONTROL.test(subject))
    return `The ${label} cannot contain line breaks.`;
  if (subject.length > SUBJECT_MAX_LENGTH)
    return `The ${label} can be at most ${SUBJECT_MAX_LENGTH} characters.`;
  return undefined;
}

/** A whole number in [min, max] from a form field, or an error message. */
function wholeIn(raw: string, min: number, max: number, what: string): number | string {
  const n = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(n) || n < min || n > max)
    return `${what} must be a whole number from ${min} to ${max}.`;
  return n;
}

/** Every rule a mailing must pass to be saved: lengths, headers, merge fields, segments, guard. */
export async function checkMailing(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  form: MailingForm,
): Promise<{ ok: true; value: CheckedMailing } | { ok: false; errors: FieldErrors }> {
  const errors: FieldErrors = {};
  const subject = form.subject.trim();
  const preheader = form.preheader.trim();
  const fromName = form.fromName.trim();
  const body = form.body.replace(/\r\n/g, '\n').trim();
  if (!subject) errors.subject = 'Give the mailing a subject line.';
  else if (LINE_BREAK.test(form.subject) || CONTROL.test(subject))
    errors.subject = 'The subject cannot contain line breaks.';
  else if (subject.length > SUBJECT_MAX_LENGTH)
    errors.subject = `The subject can be at most ${SUBJECT_MAX_LENGTH} characters.`;
  // Subject test: blank boxes are unused; each line given passes the subject's rules.
  const subjectVariants = form.subjectVariants.filter((s) => s.trim() !== '');
  if (subjectVariants.length > MAX_SUBJECTS - 1)
    errors.subjectVariants = `A subject test has at most ${MAX_SUBJECTS} subject lines (this one and ${MAX_SUBJECTS - 1} more).`;
  else
    for (const [i, line] of subjectVariants.entries()) {
      const label = `subject line ${String.fromCharCode(66 + i)}`;
      const problem = subjectError(line, label);
      if (problem) {
        errors.subjectVariants ??= problem;
        continue;
      }
      try {
        parseMergeTags(line);
      } catch (err) {
        if (!(err instanceof MergeFieldError)) throw err;
        errors.subjectVariants ??= `Subject line ${String.fromCharCode(66 + i)}: ${err.message}`;
      }
    }
  let testPercent: number | null = null;
  let testWaitHours: number | null = null;
  if (subjectVariants.length > 0) {
    const pct = wholeIn(form.testPercent, TEST_PERCENT_MIN, TEST_PERCENT_MAX, 'The test slice');
    if (typeof pct === 'string')
      errors.testPercent = `${pct} (percent of the audience that gets the test).`;
    else testPercent = pct;
    const wait = form.testWaitHours.trim()
      ? wholeIn(form.testWaitHours, TEST_WAIT_MIN_HOURS, TEST_WAIT_MAX_HOURS, 'The wait')
      : TEST_WAIT_DEFAULT_HOURS;
    if (typeof wait === 'string') errors.testWaitHours = `${wait} (hours).`;
    else testWaitHours = wait;
  } else if (form.testPercent.trim())
    errors.subjectVariants = 'A subject test needs a second subject line.';
  if (LINE_BREAK.test(form.preheader) || CONTROL.test(preheader))
    errors.preheader = 'The preheader cannot contain line breaks.';
  else if (preheader.length > PREHEADER_MAX_LENGTH)
    errors.preheader = `The preheader can be at most ${PREHEADER_MAX_LENGTH} characters.`;
  if (!fromName) errors.fromName = 'Say who the mailing is from, e.g. "Ada at Save Our Libraries".';
  else if (LINE_BREAK.test(form.fromName) || CONTROL.test(fromName))
    errors.fromName = 'The From name cannot contain line breaks.';
  else if (/[<>@"]/.test(fromName))
    errors.fromName =
      'The From name is a name only: no <, >, @ or quotes (the address stays ours).';
  else if (fromName.length > FROM_NAME_MAX_LENGTH)
    errors.fromName = `The From name can be at most ${FROM_NAME_MAX_LENGTH} characters.`;
  let replyTo: string | null = null;
  if (form.replyTo.trim()) {
    replyTo = normaliseEmail(form.replyTo);
    if (!replyTo || LINE_BREAK.test(form.replyTo))
      errors.replyTo = 'Enter a valid Reply-To address, like team@example.org, or leave it empty.';
  }
  if (!body) errors.body = 'Write the message.';
  else if (body.length > BODY_MAX_LENGTH)
    errors.body = `The message can be at most ${BODY_MAX_LENGTH.toLocaleString('en-GB')} characters.`;
  const chosen: Record<ActionLink['key'], number | null> = {
    petitionId: null,
    letterCampaignId: null,
    eventId: null,
  };
  for (const link of ACTION_LINKS) {
    const raw = form[link.key].trim();
    if (!raw) continue;
    const n = Number(raw);
    if (Number.isInteger(n) && n > 0 && (await link.path(ctx, n))) chosen[link.key] = n;
    else errors[link.key] = `That ${link.noun} no longer exists: choose another.`;
  }
  for (const [key, text] of [
    ['subject', subject],
    ['preheader', preheader],
    ['body', body],
  ] as const) {
    if (errors[key]) continue;
    try {
      parseMergeTags(text);
    } catch (err) {
      if (!(err instanceof MergeFieldError)) throw err;
      errors[key] = err.message;
    }
  }
  const segmentIds = parseIdList(form.segmentIds, 'Audience', errors, 'segmentIds');
  const excludeSegmentIds = parseIdList(
    form.excludeSegmentIds,
    'Exclusions',
    errors,
    'excludeSegmentIds',
  );
  if (segmentIds.length === 0) errors.segmentIds ??= 'Choose at least one segment to send to.';
  for (const [key, list] of [
    ['segmentIds', segmentIds],
    ['excludeSegmentIds', excludeSegmentIds],
  ] as const) {
    for (const id of list)
      if (!(await getSegment(ctx, id))) errors[key] ??= `Segment ${id} no longer exists.`;
  }
  for (const link of ACTION_LINKS)
    if (
      chosen[link.key] === null &&
      !errors[link.key] &&
      [subject, preheader, body, ...subjectVariants].some((t) => {
        try {
          return usesField([t], link.field);
        } catch {
          return false;
        }
      })
    )
      errors[link.key] = `Choose the ${link.noun} that {{${link.field}}} links to.`;
  if (!errors.subject && !errors.body && !errors.preheader && !errors.subjectVariants) {
    const guard = await campaignGuard(ctx.db);
    for (const [key, text] of [
      ['subject', subject],
      ['preheader', preheader],
      ['body', body],
      ...subjectVariants.map((v) => ['subjectVariants', v] as const),
    ] as const) {
      const assessment = guard.assess(fillMergeTags(text, {}));
      if (assessment.decision !== 'allow')
        errors[key] =
          `The civility guard ${assessment.decision === 'block' ? 'blocked' : 'flagged'} this (${assessment.labels.join(', ') || 'uncivil language'}): reword it before sending.`;
    }
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      subject,
      preheader,
      fromName,
      replyTo,
      body,
      segmentIds,
      excludeSegmentIds,
      clickTracking: form.clickTracking,
      ...chosen,
      subjectVariants: subjectVariants.map((s) => s.trim()),
      testPercent,
      testWaitHours,
    },
  };
}

function columns(v: CheckedMailing) {
  return {
    subject: v.subject,
    preheader: v.preheader,
    from_name: v.fromName,
    reply_to: v.replyTo,
    body_markdown: v.body,
    segment_ids: JSON.stringify(v.segmentIds),
    exclude_segment_ids: JSON.stringify(v.excludeSegmentIds),
    click_tracking: v.clickTracking ? 1 : 0,
    petition_id: v.petitionId,
    letter_campaign_id: v.letterCampaignId,
    event_id: v.eventId,
    subject_variants: JSON.stringify(v.subjectVariants),
    test_percent: v.testPercent,
    test_wait_hours: v.testWaitHours,
  };
}

export async function createMailing(
  ctx: ServiceContext,
  form: MailingForm,
  actor: Actor,
): Promise<SaveResult> {
  const checked = await checkMailing(ctx, form);
  if (!checked.ok) return checked;
  const now = ctx.clock.now().toISOString();
  const id = await inTransaction(ctx, async ({ trx }) => {
    const id = await repo.insertMailing(trx, {
      ...columns(checked.value),
      status: 'draft',
      audit_public: 0,
      created_by: actorId(actor),
      created_at: now,
      updated_at: now,
    });
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'mailing.create',
        subjectType: 'mailing',
        subjectId: id,
      },
      trx,
    );
    return id;
  });
  return { ok: true, id };
}

export class MailingStateError extends Error {}

export async function updateMailing(
  ctx: ServiceContext,
  input: { mailing: Mailing; form: MailingForm },
  actor: Actor,
): Promise<SaveResult> {
  if (input.mailing.status !== 'draft')
    throw new MailingStateError('Only a draft can be edited: cancel the schedule first.');
  const checked = await checkMailing(ctx, input.form);
  if (!checked.ok) return checked;
  const id = input.mailing.id;
  await inTransaction(ctx, async ({ trx }) => {
    const moved = await repo.moveMailing(trx, id, ['draft'], {
      ...columns(checked.value),
      updated_at: ctx.clock.now().toISOString(),
    });
    if (!moved) throw new MailingStateError('The mailing was scheduled or sent meanwhile.');
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'mailing.update',
        subjectType: 'mailing',
        subjectId: id,
      },
      trx,
    );
  });
  return { ok: true, id };
}

/**
 * Send now (`when` empty) or at a UK time. The mailing is re-checked (a segment may have been
 * deleted since it was saved); the send job builds the audience when it starts.
 */
export async function scheduleMailing(
  ctx: ServiceContext,
  input: { mailing: Mailing; when: string },
  actor: Actor,
): Promise<{ ok: true; at: string } | { ok: false; error: string }> {
  const m = input.mailing;
  if (m.status !== 'draft') return { ok: false, error: 'Only a draft can be scheduled or sent.' };
  const now = ctx.clock.now();
  let at = now.toISOString();
  if (input.when.trim()) {
    const parsed = londonInputToIso(input.when);
    if (!parsed.ok)
      return {
        ok: false,
        error:
          parsed.reason === 'format'
            ? 'Give the time as a date and a time, e.g. 2025-06-12T19:00 (UK time).'
            : 'That time does not exist in the UK (the clocks go forward then).',
      };
    if (Date.parse(parsed.iso) <= now.getTime())
      return { ok: false, error: 'That time is in the past: choose a later one, or send now.' };
    at = parsed.iso;
  }
  const checked = await checkMailing(ctx, formOf(m));
  if (!checked.ok) return { ok: false, error: Object.values(checked.errors).join(' ') };
  return inTransaction(ctx, async ({ trx }) => {
    const moved = await repo.moveMailing(trx, m.id, ['draft'], {
      status: 'scheduled',
      scheduled_at: at,
      updated_at: now.toISOString(),
    });
    if (!moved) return { ok: false, error: 'The mailing was scheduled or sent meanwhile.' };
    await ctx.jobs.enqueue(
      SEND_JOB,
      { mailingId: m.id },
      { trx, runAt: new Date(at), maxAttempts: 20 },
    );
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'mailing.schedule',
        subjectType: 'mailing',
        subjectId: m.id,
        details: { at },
      },
      trx,
    );
    return { ok: true, at };
  });
}

/** Stops a scheduled or half-sent mailing: recipients not yet handed over are never sent. */
export async function cancelMailing(
  ctx: ServiceContext,
  input: { mailing: Mailing },
  actor: Actor,
): Promise<{ ok: true; notSent: number } | { ok: false; error: string }> {
  const id = input.mailing.id;
  const now = ctx.clock.now().toISOString();
  return inTransaction(ctx, async ({ trx }) => {
    const moved = await repo.moveMailing(trx, id, ['scheduled', 'sending'], {
      status: 'cancelled',
      finished_at: now,
      updated_at: now,
    });
    if (!moved)
      return { ok: false, error: 'Only a scheduled or sending mailing can be cancelled.' };
    const notSent = await repo.cancelQueued(trx, id, now);
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'mailing.cancel',
        subjectType: 'mailing',
        subjectId: id,
        details: { notSent },
      },
      trx,
    );
    return { ok: true, notSent };
  });
}

export async function setAuditPublic(
  ctx: ServiceContext,
  input: { mailing: Mailing; isPublic: boolean },
  actor: Actor,
): Promise<void> {
  await inTransaction(ctx, async ({ trx }) => {
    await repo.updateMailing(trx, input.mailing.id, {
      audit_public: input.isPublic ? 1 : 0,
      updated_at: ctx.clock.now().toISOString(),
    });
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: input.isPublic ? 'mailing.audit-publish' : 'mailing.audit-unpublish',
        subjectType: 'mailing',
        subjectId: input.mailing.id,
      },
      trx,
    );
  });
}

/** Actions of one kind taken from a mailing's links (signatures, letters, RSVPs). */
export interface MailingActions {
  kind: string;
  label: string;
  n: number;
}

/**
 * What people did from this mailing's links, by kind: each feature counts its own actions whose
 * `source` is `mailing-<id>` or one of its subject variants (`mailing-<id>-b`), or only one
 * variant's when `variant` is given.
 */
export async function mailingActions(
  ctx: Pick<Services, 'db' | 'trx' | 'actionSources'>,
  mailingId: number,
  variant?: string,
): Promise<MailingActions[]> {
  const sourcePrefix = mailingSource(mailingId, variant);
  return Promise.all(
    ctx.actionSources.map(async (a) => ({
      kind: a.kind,
      label: a.label,
      n: await a.countBySourcePrefix(ctx, { sourcePrefix }),
    })),
  );
}

/** The `source` Rally's links in a mailing carry: `mailing-7`, or `mailing-7-b` for a variant. */
export function mailingSource(mailingId: number, variant?: string): string {
  return variant ? `mailing-${mailingId}-${variant}` : `mailing-${mailingId}`;
}
