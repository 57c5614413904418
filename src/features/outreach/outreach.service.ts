/**
 * "Not in our name": a moderator records an abusive public post by a supporter, Rally finds the
 * supporter and, when a moderator says so, sends them a private, respectful request to delete it
 * (outreach.request.ts). Every command writes its case event and an audit entry in the same
 * transaction.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../../infra/db/schema.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import { campaignGuard } from '../civility/campaign-guard.service.js';
import type { CivilitySpan } from '../civility/civility.service.js';
import { type HandlePlatform, findPeopleByHandle } from '../people/handles.service.js';
import {
  type Person,
  displayName,
  findPersonByEmail,
  getPerson,
  recordActivity,
} from '../people/people.service.js';
import * as repo from './outreach.repository.js';
import {
  CLOSING_ACTIONS,
  type CaseFields,
  type CaseForm,
  type ClosingAction,
  type Errors,
  MATCHABLE,
  validateCase,
} from './outreach.rules.js';
import type { CaseStatus, Platform } from './outreach.tables.js';

export type Result<T> = ({ ok: true } & T) | { ok: false; message: string; status: number };

export function fail(
  message: string,
  status = 409,
): { ok: false; message: string; status: number } {
  return { ok: false, message, status };
}

export function parseSpans(row: Pick<repo.CaseRow, 'spans'>): CivilitySpan[] {
  try {
    const value: unknown = JSON.parse(row.spans);
    return Array.isArray(value) ? (value as CivilitySpan[]) : [];
  } catch {
    return [];
  }
}

export function parseLabels(row: Pick<repo.CaseRow, 'labels'>): string[] {
  try {
    const value: unknown = JSON.parse(row.labels);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

// ---- matching ----------------------------------------------------------------------------------

export interface MatchOutcome {
  person: Person | null;
  /** How the person was found, or why nobody was. */
  note: string;
}

function handlePlatform(platform: Platform): HandlePlatform | undefined {
  return platform === 'other' ? undefined : platform;
}

/** The supporter a case is about: by email first (exact), then by handle when exactly one fits. */
export async function matchPerson(
  ctx: Pick<ServiceContext, 'db'>,
  fields: Pick<CaseFields, 'email' | 'handleKey' | 'platform'>,
): Promise<MatchOutcome> {
  const { db } = ctx;
  if (fields.email) {
    const person = await findPersonByEmail(db, fields.email);
    if (person && !person.erasedAt) return { person, note: 'Matched by email address.' };
  }
  if (fields.handleKey) {
    const people = await findPeopleByHandle(db, fields.handleKey, {
      ...(handlePlatform(fields.platform) ? { platform: handlePlatform(fields.platform) } : {}),
    });
    if (people.length === 1 && people[0])
      return { person: people[0], note: `Matched by handle ${fields.handleKey}.` };
    if (people.length > 1)
      return {
        person: null,
        note: `${people.length} supporters have the handle ${fields.handleKey}: choose one by email.`,
      };
  }
  return {
    person: null,
    note:
      fields.email || fields.handleKey
        ? 'No supporter has this email address or handle.'
        : 'No email address or handle to match on.',
  };
}

/** New, or repeat when the person already had a case recorded before this one. */
async function statusForPerson(
  trx: Transaction<Database>,
  personId: number,
  caseId?: number,
): Promise<{ status: CaseStatus; repeatOf: number | null }> {
  const earlier = await repo.latestEarlierCase(trx, personId, caseId);
  return earlier ? { status: 'repeat', repeatOf: earlier.id } : { status: 'new', repeatOf: null };
}

// ---- recording ---------------------------------------------------------------------------------

export type RecordResult =
  | { ok: true; caseId: number; status: CaseStatus; match: MatchOutcome }
  | { ok: false; errors: Errors; duplicateOf?: number };

/** Records one post: validated, scored by the guard, matched to a supporter when possible. */
export async function recordCase(
  ctx: ServiceContext,
  input: { form: CaseForm; source: 'form' | 'csv' },
  actor: Actor,
): Promise<RecordResult> {
  const { db } = ctx;
  const { form, source } = input;
  const now = ctx.clock.now().toISOString();
  // "Posted on" may not be in the future: today as the clock has it.
  const checked = validateCase(form, now.slice(0, 10));
  if (!checked.ok) return checked;
  const fields = checked.fields;
  const duplicate = await repo.findCaseByUrl(queries(ctx), fields.postUrl);
  if (duplicate)
    return {
      ok: false,
      errors: { postUrl: `This post is already recorded, as case #${duplicate.id}.` },
      duplicateOf: duplicate.id,
    };
  const assessment = (await campaignGuard(db)).assess(fields.postText);
  const match = await matchPerson(ctx, fields);
  return inTransaction(ctx, async ({ trx }) => {
    const placed = match.person
      ? await statusForPerson(trx, match.person.id)
      : { status: 'unmatched' as const, repeatOf: null };
    const caseId = await repo.insertCase(trx, {
      status: placed.status,
      platform: fields.platform,
      post_url: fields.postUrl,
      post_text: fields.postText,
      handle: fields.handle,
      handle_key: fields.handleKey,
      email: fields.email,
      posted_on: fields.postedOn,
      score: assessment.score,
      labels: JSON.stringify(assessment.labels),
      spans: JSON.stringify(assessment.spans),
      decision: assessment.decision,
      person_id: match.person?.id ?? null,
      repeat_of: placed.repeatOf,
      source,
      request_subject: null,
      request_body: null,
      outbox_id: null,
      created_by: actorId(actor),
      sent_by: null,
      closed_by: null,
      created_at: now,
      updated_at: now,
      sent_at: null,
      closed_at: null,
    });
    await repo.insertEvent(trx, {
      case_id: caseId,
      kind: 'recorded',
      actor_user_id: actorId(actor),
      note: `${source === 'csv' ? 'Imported from CSV' : 'Recorded'}. ${match.note}${placed.repeatOf ? ` Repeat: case #${placed.repeatOf} was earlier.` : ''}`,
      created_at: now,
    });
    if (source === 'form')
      await ctx.audit.record(
        {
          actorUserId: actorId(actor),
          action: 'outreach.case.create',
          subjectType: 'outreach_case',
          subjectId: caseId,
          details: { status: placed.status, personId: match.person?.id ?? null },
        },
        trx,
      );
    return { ok: true as const, caseId, status: placed.status, match };
  });
}

/** A moderator names the supporter by email (automatic matching found nobody, or the wrong one). */
export async function matchCaseByEmail(
  ctx: ServiceContext,
  input: { caseId: number; email: string },
  actor: Actor,
): Promise<Result<{ status: CaseStatus; person: Person }>> {
  const { db } = ctx;
  const { caseId, email } = input;
  const current = await repo.findCase(queries(ctx), caseId);
  if (!current) return fail('There is no such case.', 404);
  if (!MATCHABLE.includes(current.status))
    return fail('A request has already been sent for this case: its supporter cannot change.');
  const person = email.trim() ? await findPersonByEmail(db, email) : undefined;
  if (!person || person.erasedAt)
    return fail('No supporter has that email address. Check it, or add them on People first.', 422);
  const now = ctx.clock.now().toISOString();
  return inTransaction(ctx, async ({ trx }) => {
    const placed = await statusForPerson(trx, person.id, caseId);
    const moved = await repo.updateCaseIf(trx, caseId, MATCHABLE, {
      person_id: person.id,
      status: placed.status,
      repeat_of: placed.repeatOf,
      updated_at: now,
    });
    if (!moved) return fail('This case changed meanwhile; reload it.');
    await repo.insertEvent(trx, {
      case_id: caseId,
      kind: 'matched',
      actor_user_id: actorId(actor),
      note: `Matched by hand to person #${person.id}.${placed.repeatOf ? ` Repeat: case #${placed.repeatOf} was earlier.` : ''}`,
      created_at: now,
    });
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'outreach.case.match',
        subjectType: 'outreach_case',
        subjectId: caseId,
        details: { personId: person.id, status: placed.status },
      },
      trx,
    );
    return { ok: true as const, status: placed.status, person };
  });
}

export async function closeCase(
  ctx: ServiceContext,
  input: { caseId: number; action: ClosingAction },
  actor: Actor,
): Promise<Result<{ status: CaseStatus }>> {
  const { db } = ctx;
  const { caseId, action } = input;
  const row = await repo.findCase(queries(ctx), caseId);
  if (!row) return fail('There is no such case.', 404);
  const rule = CLOSING_ACTIONS[action];
  const allowed: readonly CaseStatus[] = rule.from;
  if (!allowed.includes(row.status))
    return fail(
      action === 'removed'
        ? 'Only a case whose request was sent can be marked removed.'
        : 'Only a case whose request was sent (and not yet closed) can be marked no response.',
    );
  const now = ctx.clock.now().toISOString();
  return inTransaction(ctx, async ({ trx }) => {
    const moved = await repo.updateCaseIf(trx, caseId, allowed, {
      status: action,
      closed_at: now,
      closed_by: actorId(actor),
      updated_at: now,
    });
    if (!moved) return fail('This case changed meanwhile; reload it.');
    await repo.insertEvent(trx, {
      case_id: caseId,
      kind: action,
      actor_user_id: actorId(actor),
      note: action === 'removed' ? 'A moderator confirmed the post is gone.' : null,
      created_at: now,
    });
    if (action === 'removed' && row.person_id !== null)
      await recordActivity(
        db,
        row.person_id,
        {
          kind: 'outreach',
          summary: `Deleted a post after our request (case #${caseId})`,
          refType: 'outreach_case',
          refId: caseId,
        },
        { trx },
      );
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: `outreach.case.${action}`,
        subjectType: 'outreach_case',
        subjectId: caseId,
        details: { from: row.status },
      },
      trx,
    );
    return { ok: true as const, status: action };
  });
}

// ---- reading -----------------------------------------------------------------------------------

export interface CaseView {
  row: repo.CaseRow;
  person: Person | null;
  history: repo.CaseSummary[];
  events: repo.CaseEventRow[];
}

export async function getCase(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  caseId: number,
): Promise<CaseView | undefined> {
  const row = await repo.findCase(queries(ctx), caseId);
  if (!row) return undefined;
  const person = row.person_id === null ? null : ((await getPerson(ctx.db, row.person_id)) ?? null);
  return {
    row,
    person,
    history: row.person_id === null ? [] : await repo.casesOfPerson(queries(ctx), row.person_id),
    events: await repo.listEvents(queries(ctx), caseId),
  };
}

export function personLabel(person: Person): string {
  return person.erasedAt ? `Erased person #${person.id}` : displayName(person);
}
