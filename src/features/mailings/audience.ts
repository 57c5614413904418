import type { Person } from '../people/people.service.js';
import { getSegment, iteratePeople, withEmailConsent } from '../people/segments.service.js';
import { type ServiceContext, queries } from '../../infra/service-context.js';
import { normaliseEmail } from '../../infra/validation/email.js';
import type { MailingSettings } from './mailing-settings.js';
import type { MergeValues } from './merge-fields.js';
import * as repo from './mailings.repository.js';

/**
 * People read per query. Each page's consent is one indexed lookup of those people's consents
 * (not a semi-join over everyone's history per page), so the audience is walked once.
 */
export const AUDIENCE_PAGE = 5_000;

/** Malformed addresses listed on the mailing page (the count is always complete). */
export const MALFORMED_LISTED = 100;

/** Who a mailing reaches, and why everyone else in its segments does not. */
export interface AudienceBreakdown {
  /** Distinct people in the chosen segments. */
  inSegments: number;
  excluded: number;
  noConsent: number;
  suppressed: number;
  capped: number;
  malformed: number;
  malformedAddresses: string[];
  recipients: number;
}

export class AudienceError extends Error {}

interface AudienceInput {
  segmentIds: number[];
  excludeSegmentIds: number[];
}

async function filtersOf(ctx: Pick<ServiceContext, 'db' | 'trx'>, segmentIds: number[]) {
  const out = [];
  for (const id of segmentIds) {
    const segment = await getSegment(ctx, id);
    if (!segment) throw new AudienceError(`Segment ${id} no longer exists: edit the mailing.`);
    out.push(segment.filters);
  }
  return out;
}

export function mergeValuesOf(p: Person): MergeValues {
  return {
    first_name: p.firstName,
    last_name: p.lastName,
    full_name: [p.firstName, p.lastName].filter(Boolean).join(' ') || null,
    email: p.email,
    postcode: p.postcode,
    constituency: p.constituencyName,
    region: p.region,
  };
}

/**
 * Walks the audience once: the chosen segments minus the exclusions, current email consent only,
 * never a suppressed address, not above the frequency cap, and never a malformed address (those
 * go to `onSkipped`, to be listed). `onBatch` receives each batch of people to mail.
 */
export async function walkAudience(
  ctx: Pick<ServiceContext, 'db' | 'trx' | 'clock'>,
  input: AudienceInput,
  settings: MailingSettings,
  sink: {
    onBatch?: (people: { person: Person; email: string; merge: MergeValues }[]) => Promise<void>;
    onSkipped?: (people: Person[]) => Promise<void>;
    /** People read per page (AUDIENCE_PAGE unless given). */
    pageSize?: number;
  } = {},
): Promise<AudienceBreakdown> {
  const pageSize = sink.pageSize ?? AUDIENCE_PAGE;
  const include = await filtersOf(ctx, input.segmentIds);
  const exclude = await filtersOf(ctx, input.excludeSegmentIds);
  const excludedIds = new Set<number>();
  for (const filters of exclude)
    for await (const batch of iteratePeople(ctx, { filters, batchSize: AUDIENCE_PAGE }))
      for (const p of batch) excludedIds.add(p.id);

  const b: AudienceBreakdown = {
    inSegments: 0,
    excluded: 0,
    noConsent: 0,
    suppressed: 0,
    capped: 0,
    malformed: 0,
    malformedAddresses: [],
    recipients: 0,
  };
  const capSince = new Date(
    ctx.clock.now().getTime() - settings.capDays * 24 * 60 * 60 * 1000,
  ).toISOString();
  // One pass over the chosen segments: a person in two segments counts once.
  const seen = new Set<number>();
  let consenting = 0;
  for (const filters of include) {
    for await (const page of iteratePeople(ctx, { filters, batchSize: pageSize })) {
      const candidates = [];
      for (const p of page) {
        if (seen.has(p.id)) continue;
        seen.add(p.id);
        if (excludedIds.has(p.id)) b.excluded += 1;
        else candidates.push(p);
      }
      const granted = await withEmailConsent(
        ctx,
        candidates.map((p) => p.id),
      );
      const fresh = candidates.filter((p) => granted.has(p.id));
      consenting += fresh.length;
      const malformed: Person[] = [];
      const valid: { person: Person; email: string }[] = [];
      for (const person of fresh) {
        const email = normaliseEmail(person.email);
        if (email) valid.push({ person, email });
        else malformed.push(person);
      }
      b.malformed += malformed.length;
      for (const p of malformed)
        if (b.malformedAddresses.length < MALFORMED_LISTED) b.malformedAddresses.push(p.email);
      if (malformed.length && sink.onSkipped) await sink.onSkipped(malformed);
      const suppressed = await repo.suppressedAmong(
        queries(ctx),
        valid.map((v) => v.email),
      );
      const unsuppressed = valid.filter((v) => !suppressed.has(v.email));
      b.suppressed += valid.length - unsuppressed.length;
      const recent =
        settings.capCount > 0
          ? await repo.recentSendCounts(
              queries(ctx),
              unsuppressed.map((v) => v.person.id),
              capSince,
            )
          : new Map<number, number>();
      const send = unsuppressed.filter(
        (v) => settings.capCount === 0 || (recent.get(v.person.id) ?? 0) < settings.capCount,
      );
      b.capped += unsuppressed.length - send.length;
      b.recipients += send.length;
      if (send.length && sink.onBatch)
        await sink.onBatch(send.map((v) => ({ ...v, merge: mergeValuesOf(v.person) })));
    }
  }
  b.inSegments = seen.size;
  b.noConsent = seen.size - b.excluded - consenting;
  return b;
}
