import { type Insertable, type Kysely, type Selectable, type Updateable, sql } from 'kysely';
import type { Database } from '../../infra/db/schema.js';
import type {
  MailSuppressionsTable,
  MailingRecipientsTable,
  MailingsTable,
  RecipientStatus,
  SuppressionReason,
} from './mailings.tables.js';

type Ex = Kysely<Database>;
export type MailingRow = Selectable<MailingsTable>;
export type RecipientRow = Selectable<MailingRecipientsTable>;
export type NewRecipientRow = Insertable<MailingRecipientsTable>;
export type SuppressionRow = Selectable<MailSuppressionsTable>;

/** Rows per INSERT: well under SQLite's 32 766 bound parameters at 11 columns a row. */
const INSERT_CHUNK = 500;

export async function insertMailing(ex: Ex, row: Insertable<MailingsTable>): Promise<number> {
  const r = await ex.insertInto('mailings').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function updateMailing(ex: Ex, id: number, set: Updateable<MailingsTable>) {
  await ex.updateTable('mailings').set(set).where('id', '=', id).execute();
}

/** Changes the status only from one of `from`; false when someone else changed it first. */
export async function moveMailing(
  ex: Ex,
  id: number,
  from: readonly MailingsTable['status'][],
  set: Updateable<MailingsTable>,
): Promise<boolean> {
  const r = await ex
    .updateTable('mailings')
    .set(set)
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export function findMailing(ex: Ex, id: number): Promise<MailingRow | undefined> {
  return ex.selectFrom('mailings').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listMailings(ex: Ex): Promise<MailingRow[]> {
  return ex.selectFrom('mailings').selectAll().orderBy('id', 'desc').limit(200).execute();
}

/** Takes the send lease if nobody holds an unexpired one. */
export async function takeLease(ex: Ex, id: number, now: string, until: string): Promise<boolean> {
  const r = await ex
    .updateTable('mailings')
    .set({ lease_until: until })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function insertRecipients(ex: Ex, rows: NewRecipientRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK)
    await ex
      .insertInto('mailing_recipients')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) => oc.columns(['mailing_id', 'person_id']).doNothing())
      .execute();
}

/** Marks up to `limit` queued rows as sending under `claim` and returns them. */
export async function claimQueued(
  ex: Ex,
  mailingId: number,
  limit: number,
  now: string,
  claim: string,
): Promise<RecipientRow[]> {
  const ids = await ex
    .selectFrom('mailing_recipients')
    .select('id')
    .where('mailing_id', '=', mailingId)
    .where('status', '=', 'queued')
    .orderBy('id')
    .limit(limit)
    .execute();
  if (ids.length === 0) return [];
  return ex
    .updateTable('mailing_recipients')
    .set({ status: 'sending', claim_token: claim, updated_at: now })
    .where(
      'id',
      'in',
      ids.map((r) => r.id),
    )
    .where('status', '=', 'queued')
    .returningAll()
    .execute();
}

/**
 * Records these rows handed off (the moment before their end-of-data dot), only those still
 * `sending` under `claim`: the ids it recorded.
 */
export async function markHandedOff(
  ex: Ex,
  ids: number[],
  claim: string,
  now: string,
): Promise<Set<number>> {
  const rows = await ex
    .updateTable('mailing_recipients')
    .set({ status: 'handed_off', updated_at: now })
    .where('id', 'in', ids)
    .where('status', '=', 'sending')
    .where('claim_token', '=', claim)
    .returning('id')
    .execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * After a run died: rows still `sending` never had their dot written, so they go back to the
 * queue; rows `handed_off` had it on the wire and count as sent (`response`), never sent again.
 */
export async function recoverInterrupted(
  ex: Ex,
  mailingId: number,
  response: string,
  now: string,
): Promise<{ requeued: number; handedOff: number }> {
  const requeued = await ex
    .updateTable('mailing_recipients')
    .set({ status: 'queued', claim_token: null, updated_at: now })
    .where('mailing_id', '=', mailingId)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  const handedOff = await ex
    .updateTable('mailing_recipients')
    .set({ status: 'sent', smtp_response: response, sent_at: now, updated_at: now })
    .where('mailing_id', '=', mailingId)
    .where('status', '=', 'handed_off')
    .executeTakeFirst();
  return {
    requeued: Number(requeued.numUpdatedRows),
    handedOff: Number(handedOff.numUpdatedRows),
  };
}

export async function setRecipientStatus(
  ex: Ex,
  ids: number[],
  set: { status: RecipientStatus; smtp_response: string | null; sent_at?: string | null },
  now: string,
  onlyFrom?: readonly RecipientStatus[],
): Promise<number> {
  if (ids.length === 0) return 0;
  let q = ex
    .updateTable('mailing_recipients')
    .set({ ...set, updated_at: now })
    .where('id', 'in', ids);
  if (onlyFrom) q = q.where('status', 'in', onlyFrom);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function cancelQueued(ex: Ex, mailingId: number, now: string): Promise<number> {
  const r = await ex
    .updateTable('mailing_recipients')
    .set({ status: 'cancelled', updated_at: now })
    .where('mailing_id', '=', mailingId)
    .where('status', 'in', ['queued', 'held'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Whether recipients wait for a subject test's winner. */
export function hasHeld(ex: Ex, mailingId: number): Promise<boolean> {
  return hasStatus(ex, mailingId, 'held');
}

export async function hasStatus(
  ex: Ex,
  mailingId: number,
  status: RecipientStatus,
): Promise<boolean> {
  const row = await ex
    .selectFrom('mailing_recipients')
    .select('id')
    .where('mailing_id', '=', mailingId)
    .where('status', '=', status)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function statusCounts(
  ex: Ex,
  mailingId: number,
): Promise<Partial<Record<RecipientStatus, number>>> {
  const rows = await ex
    .selectFrom('mailing_recipients')
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('mailing_id', '=', mailingId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export async function countClicked(ex: Ex, mailingId: number): Promise<number> {
  const r = await ex
    .selectFrom('mailing_recipients')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('mailing_id', '=', mailingId)
    .where('clicked_at', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function listRecipientsByStatus(
  ex: Ex,
  mailingId: number,
  status: RecipientStatus,
  limit: number,
): Promise<RecipientRow[]> {
  return ex
    .selectFrom('mailing_recipients')
    .selectAll()
    .where('mailing_id', '=', mailingId)
    .where('status', '=', status)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export function findRecipient(ex: Ex, id: number): Promise<RecipientRow | undefined> {
  return ex.selectFrom('mailing_recipients').selectAll().where('id', '=', id).executeTakeFirst();
}

/** How many mailings each of these people was sent since `since` (the frequency cap). */
export async function recentSendCounts(
  ex: Ex,
  personIds: number[],
  since: string,
): Promise<Map<number, number>> {
  if (personIds.length === 0) return new Map();
  const rows = await ex
    .selectFrom('mailing_recipients')
    .select(['person_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('person_id', 'in', personIds)
    .where('sent_at', '>=', since)
    .groupBy('person_id')
    .execute();
  return new Map(rows.map((r) => [r.person_id, Number(r.n)]));
}

export async function suppressedAmong(ex: Ex, emails: string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const rows = await ex
    .selectFrom('mail_suppressions')
    .select('email')
    .where('email', 'in', emails)
    .execute();
  return new Set(rows.map((r) => r.email));
}

/** Adds the address to the suppression list; the first reason recorded stays. */
export async function suppress(
  ex: Ex,
  row: { email: string; reason: SuppressionReason; source: string; created_at: string },
): Promise<void> {
  await ex
    .insertInto('mail_suppressions')
    .values(row)
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
}

export function findSuppression(ex: Ex, email: string): Promise<SuppressionRow | undefined> {
  return ex
    .selectFrom('mail_suppressions')
    .selectAll()
    .where('email', '=', email)
    .executeTakeFirst();
}

export async function countSuppressions(ex: Ex): Promise<Record<SuppressionReason, number>> {
  const rows = await ex
    .selectFrom('mail_suppressions')
    .select(['reason', (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy('reason')
    .execute();
  const out = { unsubscribed: 0, bounced: 0, complained: 0 };
  for (const r of rows) out[r.reason] = Number(r.n);
  return out;
}

/** Recipients who were handed to a server (what the delivery audit counts). */
export const DELIVERED: readonly RecipientStatus[] = [
  'sent',
  'bounced',
  'complained',
  'unsubscribed',
];

/** Counts of delivered rows grouped by one column; the audit merges and labels them. */
export async function deliveredBy(
  ex: Ex,
  mailingId: number,
  column: 'region' | 'constituency_code' | 'tags',
): Promise<{ key: string | null; n: number }[]> {
  const rows = await ex
    .selectFrom('mailing_recipients')
    .select([
      sql<string | null>`${sql.ref(column)}`.as('key'),
      (eb) => eb.fn.countAll<number | string>().as('n'),
    ])
    .where('mailing_id', '=', mailingId)
    .where('status', 'in', DELIVERED)
    .groupBy(column)
    .execute();
  return rows.map((r) => ({ key: r.key, n: Number(r.n) }));
}

/** Delivered rows by the day the person joined (ISO date prefix), for join-age buckets. */
export async function deliveredByJoinDay(
  ex: Ex,
  mailingId: number,
): Promise<{ key: string; n: number }[]> {
  const rows = await ex
    .selectFrom('mailing_recipients')
    .select([
      sql<string>`substr(cast(person_created_at as text), 1, 10)`.as('day'),
      (eb) => eb.fn.countAll<number | string>().as('n'),
    ])
    .where('mailing_id', '=', mailingId)
    .where('status', 'in', DELIVERED)
    .groupBy(sql`substr(cast(person_created_at as text), 1, 10)`)
    .execute();
  return rows.map((r) => ({ key: r.day, n: Number(r.n) }));
}

/** Person-data: every mailing row of a person. */
export function recipientsOfPerson(ex: Ex, personId: number): Promise<RecipientRow[]> {
  return ex
    .selectFrom('mailing_recipients')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('id')
    .execute();
}

/**
 * A refusal before acceptance (4xx, greylisting, no connection): back to queued with one more
 * soft bounce, or failed once the limit is reached. Only rows still being sent: a 4xx after the
 * dot is a refusal too (the server took no responsibility for the message).
 */
export async function requeueSoft(
  ex: Ex,
  ids: number[],
  response: string,
  now: string,
  limit: number,
): Promise<void> {
  if (ids.length === 0) return;
  const unreachable = response.startsWith('unreachable');
  await ex
    .updateTable('mailing_recipients')
    .set({
      status: unreachable
        ? 'queued'
        : sql<RecipientStatus>`case when soft_bounces + 1 >= ${limit} then 'failed' else 'queued' end`,
      soft_bounces: unreachable ? sql<number>`soft_bounces` : sql<number>`soft_bounces + 1`,
      smtp_response: response.slice(0, 500),
      updated_at: now,
    })
    .where('id', 'in', ids)
    // A lost connection after the row was handed off may have lost only the server's answer.
    .where('status', 'in', unreachable ? ['sending'] : ['sending', 'handed_off'])
    .execute();
}
