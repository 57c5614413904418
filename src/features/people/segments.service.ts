import type { Db } from '../../infra/db/database.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import { type PeopleFilters, parseFilters } from './people.filters.js';
import * as repo from './people.repository.js';
import { type Person, toPerson } from './people.service.js';
import { PersonInputError, cleanText } from './person-input.js';

export const SEGMENT_NAME_MAX_LENGTH = 100;
/** People fetched per query when walking a whole list (exports, mailings). */
export const MEMBER_BATCH_SIZE = 500;

export interface Segment {
  id: number;
  name: string;
  filters: PeopleFilters;
  createdBy: number | null;
  createdAt: string;
  updatedAt: string;
}

function toSegment(row: repo.SegmentRow): Segment {
  let stored: unknown = {};
  try {
    stored = JSON.parse(row.filters);
  } catch {
    // A damaged row matches everyone rather than failing every page that lists segments.
  }
  const parsed = parseFilters(stored);
  return {
    id: row.id,
    name: row.name,
    filters: parsed.ok ? parsed.filters : {},
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function saveSegment(
  ctx: ServiceContext,
  input: { name: string; filters: PeopleFilters },
  /** null when Rally itself makes it (the demo seed). */
  actor: Actor,
): Promise<number> {
  const name = cleanText(input.name);
  if (!name) throw new PersonInputError('Give the segment a name.');
  if (name.length > SEGMENT_NAME_MAX_LENGTH)
    throw new PersonInputError(
      `A segment name can be at most ${SEGMENT_NAME_MAX_LENGTH} characters.`,
    );
  const now = ctx.clock.now().toISOString();
  return inTransaction(ctx, async ({ trx }) => {
    const id = await repo.insertSegment(trx, {
      name,
      filters: JSON.stringify(input.filters),
      created_by: actorId(actor),
      created_at: now,
      updated_at: now,
    });
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'segment.create',
        subjectType: 'segment',
        subjectId: id,
      },
      trx,
    );
    return id;
  });
}

export async function getSegment(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  segmentId: number,
): Promise<Segment | undefined> {
  const row = await repo.findSegment(queries(ctx), segmentId);
  return row ? toSegment(row) : undefined;
}

/** Every segment by name, with how many people match it now. */
export async function listSegments(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
): Promise<(Segment & { count: number })[]> {
  const segments = (await repo.listSegments(queries(ctx))).map(toSegment);
  return Promise.all(
    segments.map(async (s) => ({ ...s, count: await repo.countPeople(queries(ctx), s.filters) })),
  );
}

export async function deleteSegment(
  ctx: ServiceContext,
  input: { segmentId: number },
  actor: Actor,
): Promise<void> {
  const subjectId = input.segmentId;
  await inTransaction(ctx, async ({ trx }) => {
    if (!(await repo.deleteSegment(trx, subjectId))) throw new PersonInputError('No such segment.');
    await ctx.audit.record(
      { actorUserId: actorId(actor), action: 'segment.delete', subjectType: 'segment', subjectId },
      trx,
    );
  });
}

/** A segment's filters, for features that work on its members (mailings, outreach). */
export async function resolveSegment(db: Db, segmentId: number): Promise<PeopleFilters> {
  const segment = await getSegment({ db }, segmentId);
  if (!segment) throw new PersonInputError('No such segment.');
  return segment.filters;
}

export interface MemberOptions {
  /** Only people whose current email consent is "granted" (for mailings). */
  emailConsentOnly?: boolean;
}

/** Walks everyone matching the filters in id order, a batch at a time; erased people never. */
export async function* iteratePeople(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  input: MemberOptions & { filters: PeopleFilters; batchSize?: number },
): AsyncGenerator<Person[]> {
  const effective: PeopleFilters = input.emailConsentOnly
    ? { ...input.filters, consent: 'granted' }
    : input.filters;
  let afterId = 0;
  for (;;) {
    const rows = await repo.listPeopleAfter(
      queries(ctx),
      effective,
      afterId,
      input.batchSize ?? MEMBER_BATCH_SIZE,
    );
    if (rows.length === 0) return;
    yield rows.map(toPerson);
    afterId = rows[rows.length - 1]!.id;
  }
}

/**
 * Which of `personIds` have current (latest) email consent "granted": one indexed lookup of these
 * people's consents (consents_person_channel), not a semi-join over everyone's history. Mailings
 * walk a segment without the consent filter and ask this per page.
 */
export async function withEmailConsent(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  personIds: number[],
): Promise<Set<number>> {
  const statuses = await repo.latestConsentStatuses(queries(ctx), personIds, 'email');
  const out = new Set<number>();
  for (const [id, status] of statuses) if (status === 'granted') out.add(id);
  return out;
}

/** Everyone in a segment now (a segment is a saved query, so members change as people do). */
export async function listSegmentMembers(
  db: Db,
  segmentId: number,
  opts: MemberOptions = {},
): Promise<Person[]> {
  const filters = await resolveSegment(db, segmentId);
  const out: Person[] = [];
  for await (const batch of iteratePeople({ db }, { ...opts, filters })) out.push(...batch);
  return out;
}

// ---- CSV ---------------------------------------------------------------------------------------

export const CSV_COLUMNS = [
  'id',
  'email',
  'first_name',
  'last_name',
  'postcode',
  'constituency_code',
  'constituency_name',
  'region',
  'phone',
  'tags',
  'custom_fields',
  'email_consent',
  'source',
  'created_at',
] as const;

/** The filtered list as CSV records (CSV_COLUMNS), a batch at a time so it never sits in memory. */
export async function* peopleCsvRows(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  filters: PeopleFilters,
): AsyncGenerator<string[]> {
  for await (const batch of iteratePeople(ctx, { filters })) {
    const consents = await repo.latestConsentStatuses(
      queries(ctx),
      batch.map((p) => p.id),
      'email',
    );
    for (const p of batch)
      yield [
        String(p.id),
        p.email,
        p.firstName ?? '',
        p.lastName ?? '',
        p.postcode ?? '',
        p.constituencyCode ?? '',
        p.constituencyName ?? '',
        p.region ?? '',
        p.phone ?? '',
        p.tags.join('; '),
        Object.entries(p.customFields)
          .map(([k, v]) => `${k}: ${v}`)
          .join('; '),
        consents.get(p.id) ?? 'none',
        p.source,
        p.createdAt,
      ];
  }
}

export async function recordCsvExport(
  ctx: Pick<ServiceContext, 'audit' | 'trx'>,
  what: { segmentId?: number; filters: PeopleFilters },
  actor: Actor,
): Promise<void> {
  await ctx.audit.record(
    {
      actorUserId: actorId(actor),
      action: 'people.export-csv',
      subjectType: what.segmentId ? 'segment' : 'people',
      ...(what.segmentId ? { subjectId: what.segmentId } : {}),
      details: { filters: what.filters },
    },
    ctx.trx,
  );
}
