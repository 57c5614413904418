import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from '../../infra/db/schema.js';
import type { CaseStatus, CasesTables } from './cases.tables.js';

type Executor = Kysely<Database>;
export type CaseRow = Selectable<CasesTables['conduct_cases']>;
export type CasePatch = Updateable<CasesTables['conduct_cases']>;
export type EvidenceRow = Selectable<CasesTables['conduct_case_evidence']>;
/** Evidence without its bytes, for lists. */
export type EvidenceSummary = Omit<EvidenceRow, 'content'>;
export type EventRow = Selectable<CasesTables['conduct_case_events']>;

const EVIDENCE_SUMMARY = [
  'id',
  'case_id',
  'kind',
  'body',
  'file_name',
  'mime_type',
  'byte_size',
  'stored_name',
  'guard_score',
  'guard_decision',
  'guard_labels',
  'added_by_party',
  'added_by',
  'created_at',
] as const;

export async function insertCase(
  db: Executor,
  row: Insertable<CasesTables['conduct_cases']>,
): Promise<number> {
  const { id } = await db
    .insertInto('conduct_cases')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export function findCase(db: Executor, id: number): Promise<CaseRow | undefined> {
  return db.selectFrom('conduct_cases').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCaseByToken(
  db: Executor,
  column: 'confirm_token_hash' | 'respondent_token_hash',
  hash: string,
): Promise<CaseRow | undefined> {
  return db.selectFrom('conduct_cases').selectAll().where(column, '=', hash).executeTakeFirst();
}

/**
 * Updates the case only if it is still in `from` (the status the caller read): two clicks racing
 * on one step cannot both apply it. Returns whether it did.
 */
export async function updateCase(
  db: Executor,
  id: number,
  patch: CasePatch,
  from?: CaseStatus,
): Promise<boolean> {
  let q = db.updateTable('conduct_cases').set(patch).where('id', '=', id);
  if (from) q = q.where('status', '=', from);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function listCases(
  db: Executor,
  filter: { status?: CaseStatus | undefined; lateAt?: string | undefined },
  offset: number,
  limit: number,
): Promise<{ items: CaseRow[]; total: number }> {
  let q = db.selectFrom('conduct_cases').where('status', '!=', 'unconfirmed');
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.lateAt) q = q.where('next_due_at', '<', filter.lateAt).where('status', '!=', 'closed');
  const { n } = await q.select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const items = await q
    .selectAll()
    .orderBy(filter.lateAt ? 'next_due_at' : 'id', filter.lateAt ? 'asc' : 'desc')
    .offset(offset)
    .limit(limit)
    .execute();
  return { items, total: Number(n) };
}

export async function insertEvidence(
  db: Executor,
  row: Insertable<CasesTables['conduct_case_evidence']>,
): Promise<number> {
  const { id } = await db
    .insertInto('conduct_case_evidence')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export function listEvidence(db: Executor, caseId: number): Promise<EvidenceSummary[]> {
  return db
    .selectFrom('conduct_case_evidence')
    .select(EVIDENCE_SUMMARY)
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
}

export function findEvidence(
  db: Executor,
  caseId: number,
  evidenceId: number,
): Promise<EvidenceRow | undefined> {
  return db
    .selectFrom('conduct_case_evidence')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('id', '=', evidenceId)
    .executeTakeFirst();
}

export async function insertEvent(
  db: Executor,
  row: {
    case_id: number;
    kind: string;
    actor_id: number | null;
    note: string | null;
    created_at: string;
  },
): Promise<void> {
  await db.insertInto('conduct_case_events').values(row).execute();
}

export function listEvents(db: Executor, caseId: number): Promise<EventRow[]> {
  return db
    .selectFrom('conduct_case_events')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
}

/** Staff who did anything on the case (took a step, added evidence): appeals go to none of them. */
export async function participants(db: Executor, caseId: number): Promise<Set<number>> {
  const rows = await db
    .selectFrom('conduct_case_events')
    .select('actor_id')
    .distinct()
    .where('case_id', '=', caseId)
    .where('actor_id', 'is not', null)
    .execute();
  return new Set(rows.map((r) => r.actor_id as number));
}

export function listConflicts(db: Executor, caseId: number) {
  return db
    .selectFrom('conduct_case_conflicts')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .execute();
}

export async function insertConflict(
  db: Executor,
  row: { case_id: number; staff_id: number; note: string; created_at: string },
): Promise<void> {
  await db
    .insertInto('conduct_case_conflicts')
    .values(row)
    .onConflict((oc) => oc.columns(['case_id', 'staff_id']).doNothing())
    .execute();
}

export async function logView(
  db: Executor,
  row: { case_id: number; staff_id: number; what: string; created_at: string },
): Promise<void> {
  await db.insertInto('conduct_case_views').values(row).execute();
}

export function listViews(db: Executor, caseId: number, limit: number) {
  return db
    .selectFrom('conduct_case_views')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Closed cases whose retention ended before `cutoff` and that still hold names and evidence. */
export function casesDueForMinimising(db: Executor, cutoff: string) {
  return db
    .selectFrom('conduct_cases')
    .select('id')
    .where('status', '=', 'closed')
    .where('minimised_at', 'is', null)
    .where('closed_at', '<', cutoff)
    .orderBy('id')
    .execute();
}

/** Deletes the case's evidence; returns the names of its files in CASE_FILES_DIR to remove. */
export async function deleteEvidenceOf(db: Executor, caseId: number): Promise<string[]> {
  const stored = await db
    .selectFrom('conduct_case_evidence')
    .select('stored_name')
    .where('case_id', '=', caseId)
    .where('stored_name', 'is not', null)
    .execute();
  await db.deleteFrom('conduct_case_evidence').where('case_id', '=', caseId).execute();
  return stored.map((s) => s.stored_name as string);
}

export async function clearEventNotes(db: Executor, caseId: number): Promise<void> {
  await db
    .updateTable('conduct_case_events')
    .set({ note: null })
    .where('case_id', '=', caseId)
    .execute();
}

/** Cases naming the person as complainant or respondent (by record or by email). */
export function casesOfPerson(db: Executor, personId: number, email: string) {
  return db
    .selectFrom('conduct_cases')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('complainant_person_id', '=', personId),
        eb('respondent_person_id', '=', personId),
        eb('complainant_email', '=', email),
        eb('respondent_email', '=', email),
      ]),
    )
    .orderBy('id')
    .execute();
}

/** What the transparency page counts: never a name, only categories, outcomes and dates. */
export function transparencyRows(db: Executor) {
  return db
    .selectFrom('conduct_cases')
    .select(['category', 'received_at', 'decided_at', 'outcome', 'appealed_at'])
    .where('received_at', 'is not', null)
    .orderBy('received_at')
    .execute();
}
