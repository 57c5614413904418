import type { Person } from '../people/people.service.js';
import { getSegment, iteratePeople } from '../people/segments.service.js';
import { type ServiceContext, queries } from '../../infra/service-context.js';
import { normaliseEmail } from '../../infra/validation/email.js';
import type { MailingSettings } from './mailing-settings.js';
import type { MergeValues } from './merge-fields.js';
import * as repo from './mailings.repository.js';

/**
 * People read per query. The consent filter is a semi-join over the consent history that the
 * database evaluates per query, so large pages keep 100,000 people to a few queries.
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
  } = {},
): Promise<AudienceBreakdown> {
  const include = await filtersOf(ctx, input.segmentIds);
  const exclude = await filtersOf(ctx, input.excludeSegmentIds);
  const excludedIds = new Set<number>();
  for (const filters of exclude)
    for await (const batch of iteratePeople(ctx, { filters, batchSize: AUDIENCE_PAGE }))
      for (const p of batch) excludedIds.add(p.id);

  const all = new Set<number>();
  for (const filters of include)
    for await (const batch of iteratePeople(ctx, { filters, batchSize: AUDIENCE_PAGE }))
      for (const p of batch) all.add(p.id);

  const b: AudienceBreakdown = {
    inSegments: all.size,
    excluded: 0,
    noConsent: 0,
    suppressed: 0,
    capped: 0,
    malformed: 0,
    malformedAddresses: [],
    recipients: 0,
  };
  for (const id of all) if (excludedIds.has(id)) b.excluded += 1;

  const capSince = new Date(
    ctx.clock.now().getTime() - settings.capDays * 24 * 60 * 60 * 1000,
  ).toISOString();
  const seen = new Set<number>();
  let consenting = 0;
  for (const filters of include) {
    for await (const batch of iteratePeople(ctx, {
      filters,
      emailConsentOnly: true,
      batchSize: AUDIENCE_PAGE,
    })) {
      const fresh = batch.filter((p) => !seen.has(p.id) && !excludedIds.has(p.id));
      for (const p of batch) seen.add(p.id);
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
  b.noConsent = all.size - b.excluded - consenting;
  return b;
}
