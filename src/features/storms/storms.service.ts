import { statusMachine } from '../../infra/status-machine.js';
import type { Db } from '../../infra/db/database.js';
import type { CivilityAssessment } from '../civility/civility.service.js';
import { campaignGuard } from '../civility/campaign-guard.service.js';
import { getTargets, listTargetLists } from '../targets/targets.service.js';
import * as repo from './storms.repository.js';
import type { StormRow } from './storms.repository.js';
import {
  type Errors,
  type StormFields,
  type StormForm,
  checkComposedLengths,
  validateStorm,
  variantKey,
} from './storms.rules.js';
import {
  type Handle,
  type Mentions,
  type PostParts,
  TEXT_PLATFORMS,
  parseHandle,
} from './storm-text.js';
import { isUniqueViolation } from '../../infra/db/unique-violation.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';

export type { StormRow };

/** Someone the storm addresses, with the handles to mention on each platform. */
export interface StormTarget {
  /** From the targets directory; null for a handle typed in by the organiser. */
  name: string | null;
  role: string | null;
  handles: Handle[];
}

export type Phase = 'upcoming' | 'live' | 'ended';

export function phaseOf(storm: Pick<StormRow, 'starts_at' | 'ends_at'>, now = Date.now()): Phase {
  if (now < Date.parse(storm.starts_at)) return 'upcoming';
  return now < Date.parse(storm.ends_at) ? 'live' : 'ended';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return [];
  }
}

/** One storm by id (other features: the reach tally names and links it). */
export function getStorm(ctx: Pick<ServiceContext, 'db' | 'trx'>, id: number) {
  return repo.findStorm(queries(ctx), id);
}

export function getStormBySlug(ctx: Pick<ServiceContext, 'db' | 'trx'>, slug: string) {
  return repo.findStormBySlug(queries(ctx), slug);
}

export function variantsOf(storm: Pick<StormRow, 'variants'>): string[] {
  const value = parseJson(storm.variants);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function targetIdsOf(storm: Pick<StormRow, 'target_ids'>): number[] {
  const value = parseJson(storm.target_ids);
  return Array.isArray(value) ? value.filter((v): v is number => Number.isInteger(v)) : [];
}

export function freeHandlesOf(storm: Pick<StormRow, 'handles'>): Handle[] {
  const value = parseJson(storm.handles);
  if (!Array.isArray(value)) return [];
  return value.flatMap((h: unknown) => {
    const mention = (h as { mention?: unknown } | null)?.mention;
    const parsed = typeof mention === 'string' ? parseHandle(mention) : null;
    return parsed ? [parsed] : [];
  });
}

function directoryHandles(t: {
  twitter: string | null;
  bluesky: string | null;
  mastodon: string | null;
}): Handle[] {
  const out: Handle[] = [];
  if (t.twitter) out.push({ platform: 'x', mention: `@${t.twitter.replace(/^@/, '')}` });
  if (t.bluesky) out.push({ platform: 'bluesky', mention: `@${t.bluesky.replace(/^@/, '')}` });
  if (t.mastodon) {
    const parsed = parseHandle(t.mastodon);
    if (parsed?.platform === 'mastodon') out.push(parsed);
  }
  return out;
}

async function resolveTargets(
  db: Db,
  listId: number | null,
  targetIds: number[],
  handles: Handle[],
): Promise<StormTarget[]> {
  const listed = listId === null ? [] : await getTargets(db, listId, targetIds);
  const out: StormTarget[] = listed.map((t) => ({
    name: t.name,
    role: t.role,
    handles: directoryHandles(t),
  }));
  for (const h of handles) out.push({ name: null, role: null, handles: [h] });
  return out;
}

/** The storm's targets as the public page shows them: directory targets, then typed handles. */
export function stormTargets(db: Db, storm: StormRow): Promise<StormTarget[]> {
  return resolveTargets(db, storm.target_list_id, targetIdsOf(storm), freeHandlesOf(storm));
}

export function mentionsOf(targets: StormTarget[]): Mentions {
  const mentions: Mentions = { x: [], bluesky: [], mastodon: [] };
  for (const platform of TEXT_PLATFORMS) {
    const seen = new Set<string>();
    for (const t of targets)
      for (const h of t.handles)
        if (h.platform === platform && !seen.has(h.mention.toLowerCase())) {
          seen.add(h.mention.toLowerCase());
          mentions[platform].push(h.mention);
        }
  }
  return mentions;
}

export function postParts(
  storm: Pick<StormRow, 'hashtag' | 'link_url'>,
  targets: StormTarget[],
): PostParts {
  return { hashtag: storm.hashtag, link: storm.link_url, mentions: mentionsOf(targets) };
}

// ---- the civility guard ------------------------------------------------------------------------

/** A text the guard did not allow, with where it objected, for the form to highlight. */
export interface FlaggedText {
  field: string;
  label: string;
  text: string;
  assessment: CivilityAssessment;
}

/** Only texts the guard allows are published: "review" has no reviewer here, so it holds too. */
export async function assessText(db: Db, text: string): Promise<CivilityAssessment> {
  return (await campaignGuard(db)).assess(text);
}

async function guardStorm(db: Db, fields: StormFields): Promise<FlaggedText[]> {
  const texts = [
    { field: 'title', label: 'The title', text: fields.title },
    { field: 'description', label: 'The description', text: fields.description },
    ...fields.variants.map((text, i) => ({
      field: variantKey(i + 1),
      label: `Suggestion ${i + 1}`,
      text,
    })),
  ];
  const guard = await campaignGuard(db);
  const flagged: FlaggedText[] = [];
  for (const t of texts) {
    if (!t.text) continue;
    const assessment = guard.assess(t.text);
    if (assessment.decision !== 'allow') flagged.push({ ...t, assessment });
  }
  return flagged;
}

export function flaggedMessage(f: FlaggedText): string {
  const labels = f.assessment.labels.join(', ') || 'uncivil language';
  return f.assessment.decision === 'block'
    ? `${f.label} was blocked by the civility guard (${labels}). Reword the highlighted part.`
    : `${f.label} needs rewording: the civility guard flagged it for review (${labels}).`;
}

// ---- organiser commands ------------------------------------------------------------------------

export type SaveResult =
  { ok: true; record: StormRow } | { ok: false; errors: Errors; flagged: FlaggedText[] };

const failed = (errors: Errors, flagged: FlaggedText[] = []): SaveResult => ({
  ok: false,
  errors,
  flagged,
});

const slugTaken = (slug: string): Errors => ({
  slug: `Another storm already uses the address /storms/${slug}.`,
});

async function checkTargets(db: Db, fields: StormFields): Promise<Errors> {
  if (fields.targetListId === null) return {};
  const lists = await listTargetLists(db);
  if (!lists.some((l) => l.id === fields.targetListId))
    return { targetListId: 'Choose a target list that exists.' };
  const found = await getTargets(db, fields.targetListId, fields.targetIds);
  if (found.length !== new Set(fields.targetIds).size)
    return { targetIds: 'One of the chosen targets is not in that list.' };
  return {};
}

/** Everything a save checks beyond the form itself: targets, lengths per platform, the guard. */
async function checkFields(
  db: Db,
  form: StormForm,
): Promise<
  { ok: true; value: StormFields } | { ok: false; errors: Errors; flagged: FlaggedText[] }
> {
  const checked = validateStorm(form);
  if (!checked.ok) return { ...checked, flagged: [] };
  const fields = checked.value;
  const targetErrors = await checkTargets(db, fields);
  if (Object.keys(targetErrors).length) return { ok: false, errors: targetErrors, flagged: [] };
  const targets = await resolveTargets(db, fields.targetListId, fields.targetIds, fields.handles);
  const lengthErrors = checkComposedLengths(fields.variants, {
    hashtag: fields.hashtag,
    link: fields.linkUrl,
    mentions: mentionsOf(targets),
  });
  const flagged = await guardStorm(db, fields);
  const errors: Errors = { ...lengthErrors };
  for (const f of flagged) errors[f.field] ??= flaggedMessage(f);
  if (Object.keys(errors).length) return { ok: false, errors, flagged };
  return { ok: true, value: fields };
}

function columns(fields: StormFields) {
  return {
    slug: fields.slug,
    title: fields.title,
    description: fields.description,
    starts_at: fields.startsAt,
    ends_at: fields.endsAt,
    hashtag: fields.hashtag,
    link_url: fields.linkUrl,
    target_list_id: fields.targetListId,
    target_ids: JSON.stringify(fields.targetListId === null ? [] : fields.targetIds),
    handles: JSON.stringify(fields.handles),
    variants: JSON.stringify(fields.variants),
  };
}

export async function createStorm(
  ctx: ServiceContext,
  form: StormForm,
  actor: Actor,
): Promise<SaveResult> {
  const actorUserId = actorId(actor);
  const checked = await checkFields(ctx.db, form);
  if (!checked.ok) return failed(checked.errors, checked.flagged);
  const fields = checked.value;
  if (await repo.findStormBySlug(queries(ctx), fields.slug)) return failed(slugTaken(fields.slug));
  try {
    const storm = await inTransaction(ctx, async ({ trx }) => {
      const now = ctx.clock.now().toISOString();
      const row = await repo.insertStorm(trx, {
        ...columns(fields),
        status: 'draft',
        created_by: actorUserId,
        created_at: now,
        updated_at: now,
        published_at: null,
      });
      await ctx.audit.record(
        {
          actorUserId,
          action: 'storms.create',
          subjectType: 'storm',
          subjectId: row.id,
          details: { slug: row.slug },
        },
        trx,
      );
      return row;
    });
    return { ok: true, record: storm };
  } catch (err) {
    if (isUniqueViolation(err)) return failed(slugTaken(fields.slug));
    throw err;
  }
}

export async function updateStorm(
  ctx: ServiceContext,
  { storm, form }: { storm: StormRow; form: StormForm },
  actor: Actor,
): Promise<SaveResult> {
  const actorUserId = actorId(actor);
  const checked = await checkFields(ctx.db, form);
  if (!checked.ok) return failed(checked.errors, checked.flagged);
  const fields = checked.value;
  // Its address is out in the world once published.
  if (storm.status === 'published' && fields.slug !== storm.slug)
    return failed({
      slug: 'The address of a published storm cannot change: people have shared it.',
    });
  const other = await repo.findStormBySlug(queries(ctx), fields.slug);
  if (other && other.id !== storm.id) return failed(slugTaken(fields.slug));
  try {
    await inTransaction(ctx, async ({ trx }) => {
      await repo.updateStorm(trx, storm.id, {
        ...columns(fields),
        updated_at: ctx.clock.now().toISOString(),
      });
      await ctx.audit.record(
        { actorUserId, action: 'storms.update', subjectType: 'storm', subjectId: storm.id },
        trx,
      );
    });
  } catch (err) {
    if (isUniqueViolation(err)) return failed(slugTaken(fields.slug));
    throw err;
  }
  return { ok: true, record: (await repo.findStorm(queries(ctx), storm.id)) as StormRow };
}

export type StatusAction = 'publish' | 'unpublish';
export const STORM_STATUS = statusMachine<StatusAction, StormRow['status']>({
  publish: { from: ['draft'], to: 'published', label: 'Publish' },
  unpublish: { from: ['published'], to: 'draft', label: 'Unpublish' },
});

export async function changeStatus(
  ctx: ServiceContext,
  { storm, action }: { storm: StormRow; action: StatusAction },
  actor: Actor,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const actorUserId = actorId(actor);
  const rule = STORM_STATUS.ruleFor(action, storm.status);
  if (!rule) return { ok: false, message: `This storm is already ${storm.status}.` };
  const now = ctx.clock.now().toISOString();
  await inTransaction(ctx, async ({ trx }) => {
    await repo.updateStorm(trx, storm.id, {
      status: rule.to,
      updated_at: now,
      ...(rule.to === 'published' ? { published_at: storm.published_at ?? now } : {}),
    });
    await ctx.audit.record(
      { actorUserId, action: `storms.${action}`, subjectType: 'storm', subjectId: storm.id },
      trx,
    );
  });
  return { ok: true };
}
