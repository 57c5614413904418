import { type Insertable, type Kysely, type Selectable, type Updateable, sql } from 'kysely';
import type { DialectName } from '../../infra/db/database.js';
import type { Database } from '../../infra/db/schema.js';
import type { CaseStatus, OutreachTables } from './outreach.tables.js';

/** The database handle or a transaction. */
export type Executor = Kysely<Database>;

export type CaseRow = Selectable<OutreachTables['outreach_cases']>;
export type CaseEventRow = Selectable<OutreachTables['outreach_case_events']>;
export type TemplateRow = Selectable<OutreachTables['outreach_templates']>;

// ---- cases -------------------------------------------------------------------------------------

export async function insertCase(
  ex: Executor,
  values: Insertable<OutreachTables['outreach_cases']>,
): Promise<number> {
  const row = await ex
    .insertInto('outreach_cases')
    .values(values)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export function findCase(ex: Executor, id: number): Promise<CaseRow | undefined> {
  return ex.selectFrom('outreach_cases').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCaseByUrl(ex: Executor, postUrl: string): Promise<{ id: number } | undefined> {
  return ex
    .selectFrom('outreach_cases')
    .select('id')
    .where('post_url', '=', postUrl)
    .orderBy('id')
    .executeTakeFirst();
}

/**
 * Moves a case on only if it is still in one of `from`: two moderators acting at once cannot
 * both send, and a closed case cannot be closed again. Returns whether it moved.
 */
export async function updateCaseIf(
  ex: Executor,
  id: number,
  from: readonly CaseStatus[],
  patch: Updateable<OutreachTables['outreach_cases']>,
): Promise<boolean> {
  const result = await ex
    .updateTable('outreach_cases')
    .set(patch)
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function updateCase(
  ex: Executor,
  id: number,
  patch: Updateable<OutreachTables['outreach_cases']>,
): Promise<void> {
  await ex.updateTable('outreach_cases').set(patch).where('id', '=', id).execute();
}

export type CaseSummary = Pick<
  CaseRow,
  | 'id'
  | 'status'
  | 'platform'
  | 'post_url'
  | 'handle'
  | 'handle_key'
  | 'person_id'
  | 'repeat_of'
  | 'score'
  | 'decision'
  | 'posted_on'
  | 'created_at'
  | 'sent_at'
>;

const SUMMARY_COLUMNS = [
  'id',
  'status',
  'platform',
  'post_url',
  'handle',
  'handle_key',
  'person_id',
  'repeat_of',
  'score',
  'decision',
  'posted_on',
  'created_at',
  'sent_at',
] as const;

/** Newest first, optionally of one status. */
export async function listCases(
  ex: Executor,
  filter: { status?: CaseStatus },
  offset: number,
  limit: number,
): Promise<{ items: CaseSummary[]; total: number }> {
  let query = ex.selectFrom('outreach_cases');
  if (filter.status) query = query.where('status', '=', filter.status);
  const [items, count] = await Promise.all([
    query.select(SUMMARY_COLUMNS).orderBy('id', 'desc').offset(offset).limit(limit).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

/** Every case of a person, oldest first (their history). */
export function casesOfPerson(ex: Executor, personId: number): Promise<CaseSummary[]> {
  return ex
    .selectFrom('outreach_cases')
    .select(SUMMARY_COLUMNS)
    .where('person_id', '=', personId)
    .orderBy('id')
    .execute();
}

export function fullCasesOfPerson(ex: Executor, personId: number): Promise<CaseRow[]> {
  return ex
    .selectFrom('outreach_cases')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('id')
    .execute();
}

/** Cases that name this email address but were never matched to anyone. */
export function unmatchedCasesByEmail(ex: Executor, email: string): Promise<CaseRow[]> {
  return ex
    .selectFrom('outreach_cases')
    .selectAll()
    .where('email', '=', email)
    .where('person_id', 'is', null)
    .orderBy('id')
    .execute();
}

/** The person's latest case recorded before case `beforeId` (any case, when it is undefined). */
export function latestEarlierCase(
  ex: Executor,
  personId: number,
  beforeId?: number,
): Promise<{ id: number } | undefined> {
  let query = ex.selectFrom('outreach_cases').select('id').where('person_id', '=', personId);
  if (beforeId !== undefined) query = query.where('id', '<', beforeId);
  return query.orderBy('id', 'desc').executeTakeFirst();
}

/** Moves a case's timestamps (and its events') through `shift`; the demo seed's history. */
export async function backdateCase(
  ex: Executor,
  id: number,
  shift: (iso: string) => string,
): Promise<void> {
  const row = await findCase(ex, id);
  if (!row) return;
  const maybe = (iso: string | null) => (iso === null ? null : shift(iso));
  await updateCase(ex, id, {
    created_at: shift(row.created_at),
    updated_at: shift(row.updated_at),
    sent_at: maybe(row.sent_at),
    closed_at: maybe(row.closed_at),
  });
  for (const event of await listEvents(ex, id))
    await ex
      .updateTable('outreach_case_events')
      .set({ created_at: shift(event.created_at) })
      .where('id', '=', event.id)
      .execute();
}

// ---- events ------------------------------------------------------------------------------------

export async function insertEvent(
  ex: Executor,
  values: Insertable<OutreachTables['outreach_case_events']>,
): Promise<void> {
  await ex.insertInto('outreach_case_events').values(values).execute();
}

export function listEvents(ex: Executor, caseId: number): Promise<CaseEventRow[]> {
  return ex
    .selectFrom('outreach_case_events')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
}

export async function clearEventNotes(ex: Executor, caseId: number): Promise<void> {
  await ex
    .updateTable('outreach_case_events')
    .set({ note: null })
    .where('case_id', '=', caseId)
    .execute();
}

// ---- template ----------------------------------------------------------------------------------

export function latestTemplate(ex: Executor): Promise<TemplateRow | undefined> {
  return ex.selectFrom('outreach_templates').selectAll().orderBy('id', 'desc').executeTakeFirst();
}

export async function insertTemplate(
  ex: Executor,
  values: Insertable<OutreachTables['outreach_templates']>,
): Promise<number> {
  const row = await ex
    .insertInto('outreach_templates')
    .values(values)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

// ---- dashboard ---------------------------------------------------------------------------------

export async function countByStatus(ex: Executor): Promise<Partial<Record<CaseStatus, number>>> {
  const rows = await ex
    .selectFrom('outreach_cases')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export async function countSentAndRepeats(
  ex: Executor,
): Promise<{ sent: number; repeats: number }> {
  const row = await ex
    .selectFrom('outreach_cases')
    .select((eb) => [
      eb.fn.count<number>('sent_at').as('sent'),
      eb.fn.count<number>('repeat_of').as('repeats'),
    ])
    .executeTakeFirstOrThrow();
  return { sent: Number(row.sent), repeats: Number(row.repeats) };
}

/** "YYYY-MM" of a timestamp column, the same text on both dialects. */
function monthOf(dialect: DialectName, column: 'created_at' | 'sent_at') {
  return dialect === 'postgres'
    ? sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM')`
    : sql<string>`substr(${sql.ref(column)}, 1, 7)`;
}

export interface MonthCounts {
  month: string;
  opened: number;
  sent: number;
  /** Of the requests sent that month, how many posts are now confirmed removed. */
  removed: number;
}

/** Cases opened, requests sent, and (of those) posts removed, per month from `since` on. */
export async function countsByMonth(
  ex: Executor,
  dialect: DialectName,
  since: string,
): Promise<MonthCounts[]> {
  const opened = await ex
    .selectFrom('outreach_cases')
    .select([monthOf(dialect, 'created_at').as('month'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('created_at', '>=', since)
    .groupBy(monthOf(dialect, 'created_at'))
    .execute();
  const sent = await ex
    .selectFrom('outreach_cases')
    .select([
      monthOf(dialect, 'sent_at').as('month'),
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) =>
        eb.fn
          .sum<number>(eb.case().when('status', '=', 'removed').then(1).else(0).end())
          .as('removed'),
    ])
    .where('sent_at', '>=', since)
    .groupBy(monthOf(dialect, 'sent_at'))
    .execute();
  const byMonth = new Map<string, MonthCounts>();
  const at = (month: string) => {
    let m = byMonth.get(month);
    if (!m) byMonth.set(month, (m = { month, opened: 0, sent: 0, removed: 0 }));
    return m;
  };
  for (const r of opened) at(r.month).opened = Number(r.n);
  for (const r of sent) {
    at(r.month).sent = Number(r.n);
    at(r.month).removed = Number(r.removed ?? 0);
  }
  return [...byMonth.values()].sort((a, b) => a.month.localeCompare(b.month));
}
