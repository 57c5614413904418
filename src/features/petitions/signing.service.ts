import { emitDomainEvent } from '../../infra/events/domain-events.js';
import { unsubscribeFooter } from '../mailings/unsubscribe.service.js';
import { hashLinkToken, newLinkTokens } from '../../infra/crypto/tokens.js';
import type { Transaction } from 'kysely';
import { GroupCommitWriter } from '../../infra/db/group-commit.js';
import type { Db, DialectName } from '../../infra/db/database.js';
import type { Database } from '../../infra/db/schema.js';
import { type ServiceContext, inTransaction, queries } from '../../infra/service-context.js';
import type { Services } from '../../infra/services.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import { recordActivity, recordConsent, upsertPerson } from '../people/people.service.js';
import { announceCount } from './count-changes.js';
import * as repo from './petitions.repository.js';
import { type CleanSignature, eligibilityKey, splitName } from './petitions.rules.js';
import { isDisposableDomain } from './disposable-domains.js';
import { emailDomain } from './signature-email.js';
import type { EligibilityMode } from './petitions.tables.js';

export const PROCESS_BATCH_JOB = 'petitions.process-batch';
/** A second "sign" for a still-unconfirmed signature resends the mail at most this often. */
export const RESEND_INTERVAL_MS = 10 * 60 * 1000;
/** Signatures per group-commit transaction, and the longest a signature waits for its batch. */
export const SIGN_BATCH_MAX = 500;
export const SIGN_BATCH_DELAY_MS = 4;

export interface SignItem {
  petitionId: number;
  eligibility: EligibilityMode;
  name: string;
  email: string;
  emailKey: string;
  emailDomain: string;
  postcode: string;
  constituencyCode: string | null;
  constituencyName: string | null;
  answer: string | null;
  membershipNumber: string | null;
  consentWording: string | null;
  showName: boolean;
  ip: string;
  disposable: boolean;
  /** Normalised attribution (infra/http/attribution.ts), or null. */
  source: string | null;
}

/**
 * What a checked signature is written as, wherever it came from (the petition's form, the API):
 * its constituency from the postcode, the answer only if the petition asks one, the membership
 * number in the form eligibility lists keep.
 */
export async function signItemOf(
  db: Db,
  petition: Pick<repo.PetitionRow, 'id' | 'eligibility' | 'custom_question'>,
  sig: CleanSignature,
  how: Pick<SignItem, 'consentWording' | 'showName' | 'ip' | 'source'>,
): Promise<SignItem> {
  const domain = emailDomain(sig.emailKey);
  const lookup = (await getConstituencyDirectory(db)).lookupPostcode(sig.postcode);
  const top = lookup.status === 'found' ? lookup.candidates[0] : undefined;
  return {
    petitionId: petition.id,
    eligibility: petition.eligibility,
    name: sig.name,
    email: sig.email,
    emailKey: sig.emailKey,
    emailDomain: domain,
    postcode: sig.postcode,
    constituencyCode: top?.code ?? null,
    constituencyName: top?.name ?? null,
    answer: petition.custom_question ? sig.answer : null,
    membershipNumber:
      petition.eligibility === 'membership_number' && sig.membershipNumber
        ? (eligibilityKey('membership_number', sig.membershipNumber) ?? sig.membershipNumber)
        : null,
    disposable: isDisposableDomain(domain),
    ...how,
  };
}

/** created: a new pending signature; resent: pending again, mail resent; unchanged: nothing to do. */
export type SignOutcome = 'created' | 'resent' | 'unchanged';

export interface BatchPayload {
  items: { id: number; token: string; resend: boolean }[];
}

/**
 * Writes a batch of signatures in one transaction: all rows with ON CONFLICT DO NOTHING (the
 * unique (petition, email key) index makes a second signature a no-op), eligibility marks, and
 * one job that mails and files them all. The caller's promise settles after the commit.
 */
export async function flushSignatures(
  ctx: ServiceContext,
  batch: SignItem[],
): Promise<SignOutcome[]> {
  const nowMs = ctx.clock.now().getTime();
  const now = new Date(nowMs).toISOString();
  const tokens = newLinkTokens(batch.length);
  const hashes = tokens.map(hashLinkToken);
  const rows = batch.map((s, i) => ({
    petition_id: s.petitionId,
    email: s.email,
    email_key: s.emailKey,
    email_domain: s.emailDomain,
    name: s.name,
    postcode: s.postcode,
    constituency_code: s.constituencyCode,
    constituency_name: s.constituencyName,
    answer: s.answer,
    membership_number: s.membershipNumber,
    verified: s.eligibility === 'none' ? null : 0,
    consent_email: s.consentWording ? 1 : 0,
    consent_wording: s.consentWording,
    show_name: s.showName ? 1 : 0,
    status: 'pending' as const,
    token_hash: hashes[i] as string,
    mailed_token_hash: null,
    ip: s.ip,
    disposable: s.disposable ? 1 : 0,
    person_id: null,
    source: s.source,
    created_at: now,
    confirmed_at: null,
    last_mail_at: now,
    invalidated_at: null,
  }));
  return inTransaction(ctx, async ({ trx }) => {
    const inserted: { id: number; token_hash: string }[] = [];
    for (const chunk of insertChunks(rows, ctx.db.dialect)) {
      inserted.push(
        ...(await trx
          .insertInto('petition_signatures')
          .values(chunk)
          .onConflict((oc) => oc.columns(['petition_id', 'email_key']).doNothing())
          .returning(['id', 'token_hash'])
          .execute()),
      );
    }
    const idByHash = new Map(inserted.map((r) => [r.token_hash, r.id]));
    const outcomes: SignOutcome[] = batch.map((_, i) =>
      idByHash.has(hashes[i] as string) ? 'created' : 'unchanged',
    );
    const jobItems: BatchPayload['items'] = [];
    batch.forEach((_, i) => {
      const id = idByHash.get(hashes[i] as string);
      if (id !== undefined) jobItems.push({ id, token: tokens[i] as string, resend: false });
    });

    await markEligible(trx, batch, idByHash, hashes);
    await resendForDuplicates(trx, batch, outcomes, tokens, hashes, jobItems, nowMs);

    if (jobItems.length > 0) {
      // One job per batch, not per signature: the hot path writes two statements per batch.
      await trx
        .insertInto('jobs')
        .values({
          type: PROCESS_BATCH_JOB,
          payload: JSON.stringify({ items: jobItems } satisfies BatchPayload),
          status: 'pending',
          attempts: 0,
          max_attempts: 5,
          run_at: now,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    return outcomes;
  });
}

/** Rows in the largest multi-row INSERT on SQLite (a power of two, see insertChunks). */
export const SQLITE_INSERT_CHUNK = 64;

/**
 * PostgreSQL takes the batch in one statement (one round trip). On SQLite a statement's text
 * depends on its row count, and preparing a 24-column INSERT of hundreds of rows costs as much
 * as running it: the batch goes in chunks of 64, 32, 16 … 1 rows, seven texts whose prepared
 * statements the connection keeps (infra/db/database.ts).
 */
function insertChunks<T>(rows: T[], dialect: DialectName): T[][] {
  if (dialect !== 'sqlite') return [rows];
  const chunks: T[][] = [];
  let at = 0;
  for (let size = SQLITE_INSERT_CHUNK; size >= 1; size /= 2)
    while (rows.length - at >= size) {
      chunks.push(rows.slice(at, at + size));
      at += size;
    }
  return chunks;
}

async function markEligible(
  trx: Transaction<Database>,
  batch: SignItem[],
  idByHash: Map<string, number>,
  hashes: string[],
) {
  for (const mode of ['email', 'membership_number'] as const) {
    const ids = batch
      .map((s, i) => (s.eligibility === mode ? idByHash.get(hashes[i] as string) : undefined))
      .filter((id): id is number => id !== undefined);
    if (ids.length === 0) continue;
    await trx
      .updateTable('petition_signatures as s')
      .set({ verified: 1 })
      .where('s.id', 'in', ids)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('petition_eligibility as e')
            .select('e.key')
            .whereRef('e.petition_id', '=', 's.petition_id')
            .whereRef('e.key', '=', mode === 'email' ? 's.email_key' : 's.membership_number'),
        ),
      )
      .execute();
  }
}

async function resendForDuplicates(
  trx: Transaction<Database>,
  batch: SignItem[],
  outcomes: SignOutcome[],
  tokens: string[],
  hashes: string[],
  jobItems: BatchPayload['items'],
  nowMs: number,
) {
  const now = new Date(nowMs).toISOString();
  const seen = new Set<string>();
  const resendBefore = new Date(nowMs - RESEND_INTERVAL_MS).toISOString();
  for (let i = 0; i < batch.length; i++) {
    if (outcomes[i] !== 'unchanged') continue;
    const s = batch[i] as SignItem;
    const key = `${s.petitionId}|${s.emailKey}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // Conditional update: the rate limit holds across processes and concurrent batches.
    const row = await trx
      .updateTable('petition_signatures')
      .set({ token_hash: hashes[i] as string, last_mail_at: now })
      .where('petition_id', '=', s.petitionId)
      .where('email_key', '=', s.emailKey)
      .where('status', '=', 'pending')
      .where('last_mail_at', '<', resendBefore)
      .returning('id')
      .executeTakeFirst();
    if (row) {
      outcomes[i] = 'resent';
      jobItems.push({ id: row.id, token: tokens[i] as string, resend: true });
    }
  }
}

export function createSignatureWriter(ctx: ServiceContext) {
  return new GroupCommitWriter<SignItem, SignOutcome>({
    flush: (batch) => flushSignatures(ctx, batch),
    maxBatch: SIGN_BATCH_MAX,
    maxDelayMs: SIGN_BATCH_DELAY_MS,
  });
}

const LINK_TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,64}$/;

export type ConfirmOutcome =
  | { status: 'confirmed'; petitionId: number }
  | { status: 'already'; petitionId: number }
  | { status: 'invalid' };

/**
 * What the mailed link would do, changing nothing: mail scanners open links with nobody
 * clicking, so the link's page only shows the button that confirms (one indexed read).
 */
export async function confirmationLinkStatus(
  ctx: ServiceContext,
  { petitionId, token }: { petitionId: number; token: string },
): Promise<'pending' | 'already' | 'invalid'> {
  if (!LINK_TOKEN_SHAPE.test(token)) return 'invalid';
  const row = await repo.findSignatureByTokenHash(queries(ctx), hashLinkToken(token));
  if (!row || row.petition_id !== petitionId) return 'invalid';
  return row.status === 'pending' ? 'pending' : 'already';
}

/** Confirms the signature the token belongs to; the count moves in the same transaction. */
export async function confirmSignature(
  ctx: ServiceContext,
  { petitionId, token }: { petitionId: number; token: string },
): Promise<ConfirmOutcome> {
  if (!LINK_TOKEN_SHAPE.test(token)) return { status: 'invalid' };
  const hash = hashLinkToken(token);
  return inTransaction(ctx, async ({ trx }) => {
    const row = await repo.findSignatureByTokenHash(trx, hash);
    if (!row || row.petition_id !== petitionId) return { status: 'invalid' as const };
    if (row.status !== 'pending') return { status: 'already' as const, petitionId };
    const changed = await trx
      .updateTable('petition_signatures')
      .set({ status: 'confirmed', confirmed_at: ctx.clock.now().toISOString() })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) return { status: 'already' as const, petitionId };
    const raised = await trx
      .updateTable('petitions')
      .set((eb) => ({ signature_count: eb('signature_count', '+', 1) }))
      .where('id', '=', petitionId)
      .returning('signature_count')
      .executeTakeFirstOrThrow();
    await announceCount(ctx.db, trx, petitionId, raised.signature_count);
    await emitDomainEvent(
      trx,
      'signature.confirmed',
      { signature_id: row.id, petition_id: petitionId, person_id: row.person_id },
      ctx.clock.now().toISOString(),
    );
    // Double opt-in: the tick only becomes consent once the address's owner has confirmed, so
    // nobody can subscribe someone else by typing their email. person_id is set by the batch job
    // that mailed this link, so it is there whenever the link is.
    if (row.consent_wording && row.person_id !== null) {
      await recordConsent(
        ctx.db,
        row.person_id,
        {
          channel: 'email',
          status: 'granted',
          method: 'form',
          wording: row.consent_wording,
          source: `petition:${await repo.petitionSlug(trx, petitionId)}`,
        },
        { trx },
      );
    }
    return { status: 'confirmed' as const, petitionId };
  });
}

export function confirmationMail(
  petition: { title: string; slug: string; kind: string },
  name: string,
  link: string,
): { subject: string; text: string } {
  const what = petition.kind === 'open_letter' ? 'open letter' : 'petition';
  return {
    subject: `Please confirm your signature: ${petition.title}`,
    text: [
      `Hello ${name},`,
      '',
      `Thank you for signing the ${what} "${petition.title}".`,
      'Your signature only counts once you confirm your email address. Open this link to confirm:',
      '',
      link,
      '',
      'If you did not sign, ignore this message and nothing more will happen.',
    ].join('\n'),
  };
}

/** Signatures filed per transaction by the batch job: small, so signing never waits long. */
export const PROCESS_CHUNK = 25;

/**
 * The job for one committed batch: a confirmation mail per signature, and (first time only) the
 * person upserted and "signed" on their timeline (consent waits for the confirmation). It works in small
 * transactions (on SQLite a long one would hold up the signature writer); each records what it
 * did (mailed_token_hash, person_id), so a retry after a failure never mails or files twice.
 */
export function processBatchHandler(services: Services) {
  return async (payload: unknown) => {
    const { items } = payload as BatchPayload;
    if (!Array.isArray(items) || items.length === 0) return;
    const directory = await getConstituencyDirectory(services.db);
    for (let i = 0; i < items.length; i += PROCESS_CHUNK) {
      await processChunk(services, directory, items.slice(i, i + PROCESS_CHUNK));
      // Let requests in between chunks (SQLite queries complete without reaching the event loop).
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
}

async function processChunk(
  services: Services,
  directory: Awaited<ReturnType<typeof getConstituencyDirectory>>,
  items: BatchPayload['items'],
) {
  const { db, config, mailer } = services;
  await inTransaction(services, async ({ trx }) => {
    const rows = await trx
      .selectFrom('petition_signatures as s')
      .innerJoin('petitions as p', 'p.id', 's.petition_id')
      .select([
        's.id',
        's.name',
        's.email',
        's.postcode',
        's.token_hash',
        's.mailed_token_hash',
        's.person_id',
        's.status',
        's.consent_wording',
        'p.id as petition_id',
        'p.slug',
        'p.title',
        'p.kind',
      ])
      .where(
        's.id',
        'in',
        items.map((i) => i.id),
      )
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const item of items) {
      const row = byId.get(item.id);
      const hash = hashLinkToken(item.token);
      // A later resend replaced the token, a moderator invalidated it, or it went out already.
      if (!row || row.status !== 'pending' || row.token_hash !== hash) continue;
      if (row.mailed_token_hash !== hash) {
        const link = `${config.baseUrl}/p/${row.slug}/confirm/${item.token}`;
        const mail = confirmationMail(row, row.name, link);
        // A ticked consent box is a promise that they can unsubscribe at any time: keep it here.
        if (row.consent_wording) mail.text += (await unsubscribeFooter(services, row.email)).text;
        await mailer.send({ to: row.email, ...mail, category: 'petitions.confirm' }, trx);
      }
      let personId = row.person_id;
      if (personId === null) {
        const source = `petition:${row.slug}`;
        personId = (
          await upsertPerson(
            db,
            { email: row.email, ...splitName(row.name), postcode: row.postcode, source },
            { trx, directory },
          )
        ).id;
        await recordActivity(
          db,
          personId,
          {
            kind: 'signed',
            summary: `Signed ${row.kind === 'open_letter' ? 'the open letter' : 'the petition'} "${row.title}"`,
            refType: 'petition',
            refId: row.petition_id,
          },
          { trx },
        );
      }
      await trx
        .updateTable('petition_signatures')
        .set({ person_id: personId, mailed_token_hash: hash })
        .where('id', '=', row.id)
        .execute();
    }
  });
}
