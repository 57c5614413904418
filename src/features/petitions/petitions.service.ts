import { sql } from 'kysely';
import { statusMachine } from '../../infra/status-machine.js';
import { actionSourcesOf } from '../../infra/http/attribution.js';
import type { Db } from '../../infra/db/database.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import { registerCommentThread } from '../comments/comments.service.js';
import { getTargets, listTargetLists } from '../targets/targets.service.js';
import type { Target } from '../targets/targets.service.js';
import { announceReset } from './count-changes.js';
import * as repo from './petitions.repository.js';
import type { PetitionRow } from './petitions.repository.js';
import {
  type Errors,
  type PetitionFields,
  type PetitionForm,
  parseEligibilityList,
  validatePetition,
} from './petitions.rules.js';
import type { PetitionStatus } from './petitions.tables.js';
import { isUniqueViolation } from '../../infra/db/unique-violation.js';

export type { PetitionRow };

export type SaveResult = { ok: true; record: PetitionRow } | { ok: false; errors: Errors };

/** The form's own rules first, then whether its target list and targets still exist. */
async function checkPetition(
  db: Db,
  form: PetitionForm,
): Promise<{ ok: true; value: PetitionFields } | { ok: false; errors: Errors }> {
  const checked = validatePetition(form);
  if (!checked.ok) return checked;
  const fields = checked.value;
  if (!fields.targetListId) return checked;
  const lists = await listTargetLists(db);
  if (!lists.some((l) => l.id === fields.targetListId))
    return { ok: false, errors: { targetListId: 'Choose a target list that exists.' } };
  const found = await getTargets(db, fields.targetListId, fields.targetIds);
  if (found.length !== new Set(fields.targetIds).size)
    return {
      ok: false,
      errors: { targetIds: 'One of the chosen targets is no longer in that list.' },
    };
  return checked;
}

function columns(fields: PetitionFields) {
  return {
    slug: fields.slug,
    kind: fields.kind,
    title: fields.title,
    body: fields.body,
    target_list_id: fields.targetListId,
    target_ids: JSON.stringify(fields.targetIds),
    goal: fields.goal,
    deadline: fields.deadline,
    custom_question: fields.customQuestion,
    eligibility: fields.eligibility,
    eligibility_label: fields.eligibilityLabel,
    thank_you: fields.thankYou,
    share_text: fields.shareText,
  };
}

const slugTaken = (slug: string): Errors => ({
  slug: `Another petition already uses the address /p/${slug}.`,
});

export async function createPetition(
  ctx: ServiceContext,
  form: PetitionForm,
  actor: Actor,
): Promise<SaveResult> {
  const actorUserId = actorId(actor);
  const checked = await checkPetition(ctx.db, form);
  if (!checked.ok) return checked;
  if (await repo.findPetitionBySlug(queries(ctx), checked.value.slug))
    return { ok: false, errors: slugTaken(checked.value.slug) };
  try {
    const petition = await inTransaction(ctx, async ({ trx }) => {
      const now = ctx.clock.now().toISOString();
      const row = await repo.insertPetition(trx, {
        ...columns(checked.value),
        status: 'draft',
        signature_count: 0,
        created_by: actorUserId,
        created_at: now,
        updated_at: now,
        published_at: null,
        closed_at: null,
        handed_in_at: null,
      });
      await ctx.audit.record(
        {
          actorUserId,
          action: 'petitions.create',
          subjectType: 'petition',
          subjectId: row.id,
          details: { slug: row.slug },
        },
        trx,
      );
      return row;
    });
    return { ok: true, record: petition };
  } catch (err) {
    if (isUniqueViolation(err)) return { ok: false, errors: slugTaken(checked.value.slug) };
    throw err;
  }
}

export async function updatePetition(
  ctx: ServiceContext,
  { petition, form }: { petition: PetitionRow; form: PetitionForm },
  actor: Actor,
): Promise<SaveResult> {
  const actorUserId = actorId(actor);
  const checked = await checkPetition(ctx.db, form);
  if (!checked.ok) return checked;
  // Links to a published petition are out in the world: its address stays.
  if (petition.status !== 'draft' && checked.value.slug !== petition.slug)
    return {
      ok: false,
      errors: { slug: 'The address of a published petition cannot change: people have shared it.' },
    };
  const other = await repo.findPetitionBySlug(queries(ctx), checked.value.slug);
  if (other && other.id !== petition.id)
    return { ok: false, errors: slugTaken(checked.value.slug) };
  try {
    await inTransaction(ctx, async ({ trx }) => {
      await repo.updatePetition(trx, petition.id, {
        ...columns(checked.value),
        updated_at: ctx.clock.now().toISOString(),
      });
      await ctx.audit.record(
        {
          actorUserId,
          action: 'petitions.update',
          subjectType: 'petition',
          subjectId: petition.id,
        },
        trx,
      );
    });
  } catch (err) {
    if (isUniqueViolation(err)) return { ok: false, errors: slugTaken(checked.value.slug) };
    throw err;
  }
  const updated = (await repo.findPetition(queries(ctx), petition.id)) as PetitionRow;
  if (updated.status !== 'draft') await registerDiscussion(ctx.db, updated);
  return { ok: true, record: updated };
}

/** The comment thread under a published petition: its key, and what the thread page links to. */
export function discussionKey(petition: Pick<PetitionRow, 'id'>): string {
  return `petition:${petition.id}`;
}

async function registerDiscussion(db: Db, petition: PetitionRow): Promise<void> {
  await registerCommentThread(db, {
    key: discussionKey(petition),
    title: petition.title,
    url: `/p/${petition.slug}`,
  });
}

export type StatusAction = 'publish' | 'close' | 'hand-in';
export const PETITION_STATUS = statusMachine<StatusAction, PetitionStatus>({
  publish: { from: ['draft', 'closed'], to: 'open', label: 'Publish' },
  close: { from: ['open'], to: 'closed', label: 'Close signing' },
  'hand-in': { from: ['open', 'closed'], to: 'handed_in', label: 'Mark handed in' },
});

export async function changeStatus(
  ctx: ServiceContext,
  { petition, action }: { petition: PetitionRow; action: StatusAction },
  actor: Actor,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const actorUserId = actorId(actor);
  const rule = PETITION_STATUS.ruleFor(action, petition.status);
  if (!rule)
    return {
      ok: false,
      message: `A ${petition.status.replace('_', ' ')} petition cannot be changed that way.`,
    };
  const now = ctx.clock.now().toISOString();
  await inTransaction(ctx, async ({ trx }) => {
    await repo.updatePetition(trx, petition.id, {
      status: rule.to,
      updated_at: now,
      ...(rule.to === 'open'
        ? { published_at: petition.published_at ?? now, closed_at: null }
        : {}),
      ...(rule.to === 'closed' ? { closed_at: now } : {}),
      ...(rule.to === 'handed_in'
        ? { handed_in_at: now, closed_at: petition.closed_at ?? now }
        : {}),
    });
    await ctx.audit.record(
      {
        actorUserId,
        action: `petitions.${action}`,
        subjectType: 'petition',
        subjectId: petition.id,
      },
      trx,
    );
  });
  if (rule.to === 'open') await registerDiscussion(ctx.db, petition);
  return { ok: true };
}

export async function replaceEligibilityList(
  ctx: ServiceContext,
  { petition, text }: { petition: PetitionRow; text: string },
  actor: Actor,
): Promise<{ ok: true; stored: number; rejected: number } | { ok: false; error: string }> {
  const actorUserId = actorId(actor);
  if (petition.eligibility === 'none')
    return {
      ok: false,
      error: 'Choose who may sign (by email or membership number) before uploading a list.',
    };
  const parsed = parseEligibilityList(petition.eligibility, text);
  if (!parsed.ok) return parsed;
  if (parsed.keys.length === 0) return { ok: false, error: 'The list has no valid entries.' };
  await inTransaction(ctx, async ({ trx }) => {
    await repo.replaceEligibility(trx, petition.id, parsed.keys);
    await ctx.audit.record(
      {
        actorUserId,
        action: 'petitions.eligibility',
        subjectType: 'petition',
        subjectId: petition.id,
        details: { entries: parsed.keys.length },
      },
      trx,
    );
  });
  return { ok: true, stored: parsed.keys.length, rejected: parsed.rejected };
}

export function targetIdsOf(petition: PetitionRow): number[] {
  try {
    const ids = JSON.parse(petition.target_ids) as unknown;
    return Array.isArray(ids) ? ids.filter((i): i is number => typeof i === 'number') : [];
  } catch {
    return [];
  }
}

export async function targetsOf(db: Db, petition: PetitionRow): Promise<Target[]> {
  if (!petition.target_list_id) return [];
  return getTargets(db, petition.target_list_id, targetIdsOf(petition));
}

/**
 * The signatures as CSV lines, read a chunk at a time as they stream; the export is audited
 * before the first line goes out.
 */
export async function exportSignatures(
  ctx: ServiceContext,
  { petition, chunkRows }: { petition: PetitionRow; chunkRows: number },
  actor: Actor,
): Promise<{ header: string[]; rows: AsyncIterable<string[]> }> {
  const header = [
    'name',
    'email',
    'postcode',
    'constituency',
    'status',
    'verified',
    'email_consent',
    'signed_at',
    'confirmed_at',
  ];
  if (petition.custom_question) header.push('answer');
  async function* rows() {
    // Read as the download streams, after this returns: never inside a caller's transaction.
    for await (const chunk of repo.signaturesForExport(ctx.db.kysely, petition.id, chunkRows))
      for (const r of chunk) {
        // Emails and answers may be used only by those who agreed to hear more.
        const consented = r.consent_email === 1;
        const line = [
          r.name,
          consented ? r.email : '',
          r.postcode,
          r.constituency_name ?? '',
          r.status,
          r.verified === null ? '' : r.verified ? 'yes' : 'no',
          consented ? 'yes' : 'no',
          r.created_at,
          r.confirmed_at ?? '',
        ];
        if (petition.custom_question) line.push(r.answer ?? '');
        yield line;
      }
  }
  const byStatus = await repo.countsByStatus(queries(ctx), petition.id);
  await ctx.audit.record({
    actorUserId: actorId(actor),
    action: 'petitions.export',
    subjectType: 'petition',
    subjectId: petition.id,
    details: { rows: byStatus.pending + byStatus.confirmed + byStatus.invalidated },
  });
  return { header, rows: rows() };
}

/** Mails the petition's targets that have an address (through the outbox); returns how many. */
export async function emailTargets(
  ctx: ServiceContext,
  { petition, link }: { petition: PetitionRow; link: string },
  actor: Actor,
): Promise<number> {
  const targets = (await targetsOf(ctx.db, petition)).filter((t) => t.email);
  const signed = petition.signature_count.toLocaleString('en-GB');
  const what = petition.kind === 'open_letter' ? 'open letter' : 'petition';
  await inTransaction(ctx, async ({ trx }) => {
    for (const t of targets)
      await ctx.mailer.send(
        {
          to: t.email as string,
          subject: `${signed} people signed: ${petition.title}`,
          text: [
            `Dear ${t.name},`,
            '',
            `${signed} people have signed the ${what} "${petition.title}", each confirming their email address.`,
            '',
            `Read it, with the signatures by constituency, at ${link}`,
          ].join('\n'),
          category: 'petitions.hand-in',
        },
        trx,
      );
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'petitions.email-targets',
        subjectType: 'petition',
        subjectId: petition.id,
        details: { targets: targets.length },
      },
      trx,
    );
  });
  return targets.length;
}

/** Whether the petition takes signatures at `now` (open and before any deadline). */
export function isSignable(petition: Pick<PetitionRow, 'status' | 'deadline'>, now: Date): boolean {
  return petition.status === 'open' && (!petition.deadline || new Date(petition.deadline) > now);
}

export interface Reconciliation {
  id: number;
  slug: string;
  cached: number;
  actual: number;
}

/** Every petition whose cached count differs from COUNT(*) of its confirmed signatures. */
export async function reconcile(
  ctx: ServiceContext,
  { fix = false }: { fix?: boolean } = {},
): Promise<{ checked: number; mismatches: Reconciliation[] }> {
  const rows = await repo.confirmedCounts(ctx.db);
  const mismatches = rows
    .map((r) => ({
      id: r.id,
      slug: r.slug,
      cached: Number(r.signature_count),
      actual: Number(r.actual),
    }))
    .filter((r) => r.cached !== r.actual);
  if (fix) {
    for (const m of mismatches)
      await queries(ctx)
        .updateTable('petitions')
        .set((eb) => ({
          signature_count: eb
            .selectFrom('petition_signatures')
            .select((e) => e.fn.countAll<number>().as('n'))
            .where('petition_id', '=', m.id)
            .where('status', '=', 'confirmed'),
        }))
        .where('id', '=', m.id)
        .execute();
    for (const m of mismatches) await announceReset(ctx.db, queries(ctx), m.id);
  }
  return { checked: rows.length, mismatches };
}

/**
 * Invalidates every live signature from one IP or email domain; confirmed ones leave the count
 * in the same transaction, so the count stays exact.
 */
export async function invalidateSignatures(
  ctx: ServiceContext,
  { petition, by }: { petition: PetitionRow; by: { ip: string } | { domain: string } },
  actor: Actor,
): Promise<{ invalidated: number; uncounted: number }> {
  const actorUserId = actorId(actor);
  return inTransaction(ctx, async ({ trx }) => {
    const base = trx
      .selectFrom('petition_signatures')
      .select(['id', 'status'])
      .where('petition_id', '=', petition.id)
      .where('status', '!=', 'invalidated');
    const rows = await (
      'ip' in by ? base.where('ip', '=', by.ip) : base.where('email_domain', '=', by.domain)
    ).execute();
    if (rows.length === 0) return { invalidated: 0, uncounted: 0 };
    const ids = rows.map((r) => r.id);
    const now = ctx.clock.now().toISOString();
    let uncounted = 0;
    const CHUNK = 1_000;
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const changed = await trx
        .updateTable('petition_signatures')
        .set({ status: 'invalidated', invalidated_at: now })
        .where('id', 'in', chunk)
        .where('status', '=', 'confirmed')
        .executeTakeFirst();
      uncounted += Number(changed.numUpdatedRows);
      await trx
        .updateTable('petition_signatures')
        .set({ status: 'invalidated', invalidated_at: now })
        .where('id', 'in', chunk)
        .where('status', '=', 'pending')
        .execute();
    }
    if (uncounted > 0) {
      await trx
        .updateTable('petitions')
        .set((eb) => ({ signature_count: eb('signature_count', '-', uncounted) }))
        .where('id', '=', petition.id)
        .execute();
      await announceReset(ctx.db, trx, petition.id);
    }
    await ctx.audit.record(
      {
        actorUserId,
        action: 'petitions.invalidate',
        subjectType: 'petition',
        subjectId: petition.id,
        details: { ...by, invalidated: ids.length, uncounted },
      },
      trx,
    );
    return { invalidated: ids.length, uncounted };
  });
}

/**
 * Petitions' part of `Feature.actionSources`: signatures by the `source` they came with.
 * Pending ones count (the action was taken); invalidated ones do not.
 */
export const signatureSources = actionSourcesOf({
  kind: 'signature',
  label: 'Signatures',
  table: 'petition_signatures',
  counts: sql<boolean>`status != 'invalidated'`,
});

/** A petition as other features link to it (a mailing's `{{petition_url}}`). */
export interface PetitionLink {
  id: number;
  slug: string;
  title: string;
  status: PetitionStatus;
}

/** Every petition, newest first, for a chooser. */
export async function listPetitionLinks(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
): Promise<PetitionLink[]> {
  return queries(ctx)
    .selectFrom('petitions')
    .select(['id', 'slug', 'title', 'status'])
    .orderBy('id', 'desc')
    .execute();
}

export async function getPetitionLink(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  id: number,
): Promise<PetitionLink | undefined> {
  return queries(ctx)
    .selectFrom('petitions')
    .select(['id', 'slug', 'title', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
}
