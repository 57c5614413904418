import { statusMachine } from '../../infra/status-machine.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import { type TargetListSummary, listTargetLists } from '../targets/targets.service.js';
import * as repo from './letters.repository.js';
import type { CampaignRow } from './letters.repository.js';
import {
  type CampaignFields,
  type CampaignForm,
  type Errors,
  validateCampaign,
} from './letters.rules.js';
import type { CampaignStatus } from './letters.tables.js';
import { isUniqueViolation } from '../../infra/db/unique-violation.js';

export type SaveResult = { ok: true; record: CampaignRow } | { ok: false; errors: Errors };

const slugTaken = (slug: string): Errors => ({
  slug: `Another letter campaign already uses the address /letters/${slug}.`,
});

function columns(f: CampaignFields) {
  return {
    slug: f.slug,
    title: f.title,
    target_list_id: f.targetListId,
    brief: f.brief,
    points: JSON.stringify(f.points),
    subject: f.subject,
    min_own_words: f.minOwnWords,
    min_own_percent: f.minOwnPercent,
    review_policy: f.reviewPolicy,
    delivery_mode: f.deliveryMode,
    hourly_limit: f.hourlyLimit,
    follow_up: f.followUp ? 1 : 0,
  };
}

async function check(
  ctx: Pick<ServiceContext, 'db'>,
  form: CampaignForm,
): Promise<{ ok: true; value: CampaignFields } | { ok: false; errors: Errors }> {
  const checked = validateCampaign(form);
  if (!checked.ok) return checked;
  const lists = await listTargetLists(ctx.db);
  if (!lists.some((l) => l.id === checked.value.targetListId))
    return { ok: false, errors: { targetListId: 'Choose a target list that exists.' } };
  return checked;
}

export async function createCampaign(
  ctx: ServiceContext,
  form: CampaignForm,
  actor: Actor,
): Promise<SaveResult> {
  const checked = await check(ctx, form);
  if (!checked.ok) return checked;
  if (await repo.findCampaignBySlug(queries(ctx), checked.value.slug))
    return { ok: false, errors: slugTaken(checked.value.slug) };
  const actorUserId = actorId(actor);
  try {
    const campaign = await inTransaction(ctx, async (tx) => {
      const now = tx.clock.now().toISOString();
      const row = await repo.insertCampaign(tx.trx, {
        ...columns(checked.value),
        status: 'draft',
        created_by: actorUserId,
        created_at: now,
        updated_at: now,
        opened_at: null,
        closed_at: null,
      });
      await ctx.audit.record(
        {
          actorUserId,
          action: 'letters.campaign.create',
          subjectType: 'letter_campaign',
          subjectId: row.id,
          details: { slug: row.slug },
        },
        tx.trx,
      );
      return row;
    });
    return { ok: true, record: campaign };
  } catch (err) {
    if (isUniqueViolation(err)) return { ok: false, errors: slugTaken(checked.value.slug) };
    throw err;
  }
}

export async function updateCampaign(
  ctx: ServiceContext,
  { campaign, form }: { campaign: CampaignRow; form: CampaignForm },
  actor: Actor,
): Promise<SaveResult> {
  const checked = await check(ctx, form);
  if (!checked.ok) return checked;
  const f = checked.value;
  // Links to a campaign that has taken letters are in people's mailboxes.
  if (campaign.status !== 'draft' && f.slug !== campaign.slug)
    return {
      ok: false,
      errors: { slug: 'The address of an opened campaign cannot change: links to it are out.' },
    };
  if (campaign.status !== 'draft' && f.targetListId !== campaign.target_list_id)
    return {
      ok: false,
      errors: { targetListId: 'The target list of an opened campaign cannot change.' },
    };
  const other = await repo.findCampaignBySlug(queries(ctx), f.slug);
  if (other && other.id !== campaign.id) return { ok: false, errors: slugTaken(f.slug) };
  try {
    await inTransaction(ctx, async (tx) => {
      await repo.updateCampaign(tx.trx, campaign.id, {
        ...columns(f),
        updated_at: tx.clock.now().toISOString(),
      });
      await tx.audit.record(
        {
          actorUserId: actorId(actor),
          action: 'letters.campaign.update',
          subjectType: 'letter_campaign',
          subjectId: campaign.id,
        },
        tx.trx,
      );
    });
  } catch (err) {
    if (isUniqueViolation(err)) return { ok: false, errors: slugTaken(f.slug) };
    throw err;
  }
  const saved = await repo.findCampaign(queries(ctx), campaign.id);
  if (!saved) throw new Error(`letter campaign ${campaign.id} vanished`);
  return { ok: true, record: saved };
}

export type StatusAction = 'open' | 'close';
export const CAMPAIGN_STATUS = statusMachine<StatusAction, CampaignStatus>({
  open: { from: ['draft', 'closed'], to: 'open', label: 'Open for letters' },
  close: { from: ['open'], to: 'closed', label: 'Close' },
});

export async function changeCampaignStatus(
  ctx: ServiceContext,
  { campaign, action }: { campaign: CampaignRow; action: StatusAction },
  actor: Actor,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const rule = CAMPAIGN_STATUS.ruleFor(action, campaign.status);
  if (!rule)
    return { ok: false, message: `A ${campaign.status} campaign cannot be changed that way.` };
  const now = ctx.clock.now().toISOString();
  await inTransaction(ctx, async (tx) => {
    await repo.updateCampaign(tx.trx, campaign.id, {
      status: rule.to,
      updated_at: now,
      ...(rule.to === 'open' ? { opened_at: campaign.opened_at ?? now, closed_at: null } : {}),
      ...(rule.to === 'closed' ? { closed_at: now } : {}),
    });
    await tx.audit.record(
      {
        actorUserId: actorId(actor),
        action: `letters.campaign.${action}`,
        subjectType: 'letter_campaign',
        subjectId: campaign.id,
      },
      tx.trx,
    );
  });
  return { ok: true };
}

export function pointsOf(campaign: Pick<CampaignRow, 'points'>): string[] {
  try {
    const points = JSON.parse(campaign.points) as unknown;
    return Array.isArray(points) ? points.filter((p): p is string => typeof p === 'string') : [];
  } catch {
    return [];
  }
}

export async function targetListOf(
  ctx: Pick<ServiceContext, 'db'>,
  campaign: Pick<CampaignRow, 'target_list_id'>,
): Promise<TargetListSummary | undefined> {
  return (await listTargetLists(ctx.db)).find((l) => l.id === campaign.target_list_id);
}

/** What another feature needs to link to a letter campaign (a mailing's `{{letter_url}}`). */
export interface LetterCampaignLink {
  id: number;
  slug: string;
  title: string;
  status: CampaignStatus;
}

export function listLetterCampaignLinks(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
): Promise<LetterCampaignLink[]> {
  return queries(ctx)
    .selectFrom('letter_campaigns')
    .select(['id', 'slug', 'title', 'status'])
    .orderBy('id', 'desc')
    .execute();
}

export function getLetterCampaignLink(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  id: number,
): Promise<LetterCampaignLink | undefined> {
  return queries(ctx)
    .selectFrom('letter_campaigns')
    .select(['id', 'slug', 'title', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
}
