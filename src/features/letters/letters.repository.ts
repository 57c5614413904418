import { type Kysely, type Selectable, sql } from 'kysely';
import type { DialectName } from '../../infra/db/database.js';
import type { Database } from '../../infra/db/schema.js';
import type { CampaignStatus, LetterStatus, LetterTables, ReplyAnswer } from './letters.tables.js';

export type CampaignRow = Selectable<LetterTables['letter_campaigns']>;
export type LetterRow = Selectable<LetterTables['letters']>;
export type NewCampaignRow = Omit<LetterTables['letter_campaigns'], 'id'>;
export type NewLetterRow = Omit<LetterTables['letters'], 'id'>;
type Executor = Kysely<Database>;

// ---- campaigns ---------------------------------------------------------------------------------

export function findCampaign(db: Executor, id: number) {
  return db.selectFrom('letter_campaigns').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCampaignBySlug(db: Executor, slug: string) {
  return db.selectFrom('letter_campaigns').selectAll().where('slug', '=', slug).executeTakeFirst();
}

/**
 * Reads the campaign and, on PostgreSQL, locks its row until the transaction ends: scheduling a
 * letter reads the latest slots and writes a new one, which must not interleave (SQLite runs
 * transactions one at a time anyway).
 */
export function lockCampaign(trx: Executor, id: number, dialect: DialectName) {
  let q = trx.selectFrom('letter_campaigns').selectAll().where('id', '=', id);
  if (dialect === 'postgres') q = q.forUpdate();
  return q.executeTakeFirst();
}

export function listCampaigns(db: Executor, statuses?: readonly CampaignStatus[]) {
  let q = db.selectFrom('letter_campaigns').selectAll();
  if (statuses) q = q.where('status', 'in', statuses);
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

export function insertCampaign(db: Executor, row: NewCampaignRow): Promise<CampaignRow> {
  return db.insertInto('letter_campaigns').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateCampaign(
  db: Executor,
  id: number,
  patch: Partial<NewCampaignRow>,
): Promise<void> {
  await db.updateTable('letter_campaigns').set(patch).where('id', '=', id).execute();
}

/** Letters by status for each campaign (campaign id → status → count). */
export async function statusCountsByCampaign(db: Executor, campaignId?: number) {
  let q = db
    .selectFrom('letters')
    .select(['campaign_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['campaign_id', 'status']);
  if (campaignId !== undefined) q = q.where('campaign_id', '=', campaignId);
  const out = new Map<number, Partial<Record<LetterStatus, number>>>();
  for (const r of await q.execute()) {
    const counts = out.get(r.campaign_id) ?? {};
    counts[r.status] = Number(r.n);
    out.set(r.campaign_id, counts);
  }
  return out;
}

// ---- letters -----------------------------------------------------------------------------------

export function insertLetter(db: Executor, row: NewLetterRow): Promise<LetterRow> {
  return db.insertInto('letters').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findLetter(db: Executor, id: number) {
  return db.selectFrom('letters').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findLetterByConfirmHash(db: Executor, hash: string) {
  return db
    .selectFrom('letters')
    .selectAll()
    .where('confirm_token_hash', '=', hash)
    .executeTakeFirst();
}

export function findLetterByFollowUpHash(db: Executor, hash: string) {
  return db
    .selectFrom('letters')
    .selectAll()
    .where('follow_up_token_hash', '=', hash)
    .executeTakeFirst();
}

/** The sender's latest letter to this target in this campaign that still stands. */
export function findSenderLetter(
  db: Executor,
  campaignId: number,
  targetId: number,
  email: string,
) {
  return db
    .selectFrom('letters')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('target_id', '=', targetId)
    .where('sender_email', '=', email)
    .where('status', 'not in', ['rejected', 'withdrawn'])
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/**
 * Changes a letter only while it is in one of `from`; returns whether it did. Every status
 * change goes through here, so two workers or two clicks never both act on one letter.
 */
export async function transition(
  db: Executor,
  id: number,
  from: readonly LetterStatus[],
  patch: Partial<NewLetterRow>,
): Promise<boolean> {
  const result = await db
    .updateTable('letters')
    .set(patch)
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function updateLetter(
  db: Executor,
  id: number,
  patch: Partial<NewLetterRow>,
): Promise<void> {
  await db.updateTable('letters').set(patch).where('id', '=', id).execute();
}

/** Fingerprints of the latest letters to a target from other senders (any campaign). */
export async function recentFingerprints(
  db: Executor,
  targetId: number,
  exceptEmail: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('letters')
    .select('fingerprint')
    .where('target_id', '=', targetId)
    .where('sender_email', '!=', exceptEmail)
    .where('status', 'not in', ['rejected', 'withdrawn'])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.fingerprint);
}

/** The latest delivery slots already given to letters to a target in a campaign, newest first. */
export async function latestSlots(
  db: Executor,
  campaignId: number,
  targetId: number,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('letters')
    .select('scheduled_for')
    .where('campaign_id', '=', campaignId)
    .where('target_id', '=', targetId)
    .where('delivery', '=', 'email')
    .where('scheduled_for', 'is not', null)
    .orderBy('scheduled_for', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.scheduled_for as string);
}

/** Whether a digest for this target at this time already has a letter (and so its job). */
export async function digestScheduled(
  db: Executor,
  campaignId: number,
  targetId: number,
  slot: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('letters')
    .select('id')
    .where('campaign_id', '=', campaignId)
    .where('target_id', '=', targetId)
    .where('delivery', '=', 'digest')
    .where('status', '=', 'queued')
    .where('scheduled_for', '=', slot)
    .executeTakeFirst();
  return row !== undefined;
}

/** Queued digest letters due by `slot`, oldest first. */
export function dueDigestLetters(db: Executor, campaignId: number, targetId: number, slot: string) {
  return db
    .selectFrom('letters')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('target_id', '=', targetId)
    .where('delivery', '=', 'digest')
    .where('status', '=', 'queued')
    .where('scheduled_for', '<=', slot)
    .orderBy('id')
    .execute();
}

export function lettersByOutbox(db: Executor, outboxId: number) {
  return db
    .selectFrom('letters')
    .selectAll()
    .where('outbox_id', '=', outboxId)
    .orderBy('id')
    .execute();
}

export interface LetterFilter {
  status?: LetterStatus | undefined;
}

export async function pageOfLetters(
  db: Executor,
  campaignId: number,
  filter: LetterFilter,
  offset: number,
  limit: number,
) {
  let q = db.selectFrom('letters').where('campaign_id', '=', campaignId);
  if (filter.status) q = q.where('status', '=', filter.status);
  const [items, count] = await Promise.all([
    q.selectAll().orderBy('id', 'desc').offset(offset).limit(limit).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

export function heldLetters(db: Executor, limit: number) {
  return db
    .selectFrom('letters')
    .innerJoin('letter_campaigns', 'letter_campaigns.id', 'letters.campaign_id')
    .selectAll('letters')
    .select(['letter_campaigns.title as campaign_title', 'letter_campaigns.slug as campaign_slug'])
    .where('letters.status', '=', 'held')
    .orderBy('letters.confirmed_at')
    .orderBy('letters.id')
    .limit(limit)
    .execute();
}

export async function countHeld(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('letters')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'held')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface ResponseRow {
  targetId: number;
  targetName: string;
  delivered: number;
  asked: number;
  yes: number;
  no: number;
}

/** Per target: letters delivered (or handed to the sender), follow-ups asked, and the answers. */
export async function responseRates(db: Executor, campaignId: number): Promise<ResponseRow[]> {
  const rows = await db
    .selectFrom('letters')
    .select([
      'target_id',
      sql<string>`max(target_name)`.as('target_name'),
      (eb) => eb.fn.countAll<number>().as('delivered'),
      sql<number>`sum(case when follow_up_sent_at is not null then 1 else 0 end)`.as('asked'),
      sql<number>`sum(case when reply = 'yes' then 1 else 0 end)`.as('yes'),
      sql<number>`sum(case when reply = 'no' then 1 else 0 end)`.as('no'),
    ])
    .where('campaign_id', '=', campaignId)
    .where('status', 'in', ['sent', 'mailto'])
    .groupBy('target_id')
    .orderBy('delivered', 'desc')
    .orderBy('target_id')
    .execute();
  return rows.map((r) => ({
    targetId: r.target_id,
    targetName: r.target_name,
    delivered: Number(r.delivered),
    asked: Number(r.asked),
    yes: Number(r.yes),
    no: Number(r.no),
  }));
}

/** Targets supporters wrote to who had no email, so their letters went by the sender's own mail. */
export async function targetsWithoutEmail(db: Executor, campaignId: number) {
  const rows = await db
    .selectFrom('letters')
    .select([
      'target_id',
      sql<string>`max(target_name)`.as('target_name'),
      (eb) => eb.fn.countAll<number>().as('n'),
    ])
    .where('campaign_id', '=', campaignId)
    .where('delivery', '=', 'mailto')
    .groupBy('target_id')
    .orderBy('n', 'desc')
    .execute();
  return rows.map((r) => ({
    targetId: r.target_id,
    targetName: r.target_name,
    letters: Number(r.n),
  }));
}

export async function recordReply(
  db: Executor,
  id: number,
  answer: ReplyAnswer,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('letters')
    .set({ reply: answer, replied_at: at })
    .where('id', '=', id)
    .where('reply', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A person's letters: linked on confirmation, or still unconfirmed under their email. */
export function lettersOfPerson(db: Executor, personId: number, email: string) {
  return db
    .selectFrom('letters')
    .innerJoin('letter_campaigns', 'letter_campaigns.id', 'letters.campaign_id')
    .selectAll('letters')
    .select(['letter_campaigns.slug as campaign_slug', 'letter_campaigns.title as campaign_title'])
    .where((eb) =>
      eb.or([eb('letters.person_id', '=', personId), eb('letters.sender_email', '=', email)]),
    )
    .orderBy('letters.id')
    .execute();
}

/**
 * Erasure keeps the row (counts and the response table stay true) and drops everything written
 * by or identifying the sender; a letter not yet sent is withdrawn.
 */
export async function anonymiseLetter(db: Executor, letter: LetterRow): Promise<void> {
  const unsent = ['unconfirmed', 'held', 'queued'].includes(letter.status);
  await db
    .updateTable('letters')
    .set({
      sender_name: '[erased]',
      sender_email: `erased-letter-${letter.id}@erased.invalid`,
      sender_postcode: '',
      sender_address: null,
      subject: '[erased]',
      body: '[erased]',
      fingerprint: '',
      consent_wording: null,
      follow_up_wanted: 0,
      confirm_token_hash: null,
      follow_up_token_hash: null,
      moderation_note: null,
      ...(unsent ? { status: 'withdrawn' as const } : {}),
    })
    .where('id', '=', letter.id)
    .execute();
}
