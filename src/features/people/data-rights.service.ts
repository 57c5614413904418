import type { Transaction } from 'kysely';
import type { Database } from '../../infra/db/schema.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
} from '../../infra/service-context.js';
import type { Services } from '../../infra/services.js';
import * as repo from './people.repository.js';
import {
  type Activity,
  type ConsentRecord,
  type Person,
  toActivity,
  toPerson,
} from './people.service.js';
import { PersonInputError } from './person-input.js';
import { handlesOf } from './handles.service.js';

export interface PersonExport {
  exportedAt: string;
  person: Person;
  consents: ConsentRecord[];
  activities: Activity[];
  /** Keyed by the registering feature's name. */
  other: Record<string, unknown>;
}

/** Export and erasure reach every feature's records through the handlers they registered. */
export type DataRightsContext = ServiceContext & Pick<Services, 'personData'>;

/** A subject access request: everything stored on the person, as one JSON document. */
export async function exportPersonData(
  ctx: DataRightsContext,
  personId: number,
  actor: Actor,
): Promise<PersonExport> {
  return inTransaction(ctx, async ({ trx }) => {
    const row = await repo.findPersonById(trx, personId);
    if (!row) throw new PersonInputError('No such person.');
    const person = toPerson(row);
    const record = { ...person, socialHandles: handlesOf(person) };
    const other: Record<string, unknown> = {};
    for (const h of ctx.personData) if (h.export) other[h.name] = await h.export(trx, record);
    const data: PersonExport = {
      exportedAt: ctx.clock.now().toISOString(),
      person,
      consents: (await repo.listConsents(trx, personId)).map((c) => ({
        id: c.id,
        channel: c.channel,
        status: c.status,
        method: c.method,
        wording: c.wording,
        source: c.source,
        createdAt: c.created_at,
      })),
      activities: (await repo.listActivities(trx, personId)).map(toActivity),
      other,
    };
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'person.export',
        subjectType: 'person',
        subjectId: personId,
      },
      trx,
    );
    return data;
  });
}

export function erasedEmail(personId: number): string {
  return `erased-${personId}@erased.invalid`;
}

const ERASED = '[erased]';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Removes the person's own words (email, names, phone, postcode) from a text about them. */
function scrubber(person: Person): (text: string) => string {
  const words = [person.email, person.firstName, person.lastName, person.phone, person.postcode]
    .filter((w): w is string => !!w && w.length >= 2)
    .sort((a, b) => b.length - a.length);
  if (words.length === 0) return (text) => text;
  const pattern = new RegExp(
    words.map((w) => `(?<![\\p{L}\\p{N}])${escapeRegExp(w)}(?![\\p{L}\\p{N}])`).join('|'),
    'giu',
  );
  return (text) => text.replace(pattern, ERASED);
}

/**
 * The right to erasure. The row stays (so every total it counted in stays true) but nothing
 * identifies the person any more: contact fields cleared, email replaced by a placeholder that
 * cannot be reversed, what was written about them on their timeline and in sent mail dropped.
 * Consent records keep their wording (what was agreed, not who agreed).
 */
export async function erasePerson(
  ctx: DataRightsContext,
  personId: number,
  actor: Actor,
): Promise<void> {
  const { db } = ctx;
  await inTransaction(ctx, async ({ trx }) => {
    const row = await repo.findPersonById(trx, personId, { forUpdate: true, dialect: db.dialect });
    if (!row) throw new PersonInputError('No such person.');
    if (row.erased_at) throw new PersonInputError('This person has already been erased.');
    const person = toPerson(row);
    const scrub = scrubber(person);
    const fullName = [person.firstName, person.lastName].filter(Boolean).join(' ');
    // Strings that may have been quoted in other records: only ones specific enough to replace
    // everywhere without mangling text about other people.
    const needles = [person.email, JSON.stringify(person.email).slice(1, -1)];
    if (fullName.includes(' ')) needles.push(fullName, JSON.stringify(fullName).slice(1, -1));
    const uniqueNeedles = [...new Set(needles)];

    const now = ctx.clock.now().toISOString();
    const placeholder = erasedEmail(personId);
    await repo.updatePerson(trx, personId, {
      email: placeholder,
      first_name: null,
      last_name: null,
      postcode: null,
      constituency_code: null,
      constituency_name: null,
      region: null,
      phone: null,
      tags: '[]',
      custom_fields: '{}',
      source: scrub(row.source),
      search_text: '',
      updated_at: now,
      erased_at: now,
    });
    await repo.scrubActivities(trx, personId);
    for (const consent of await repo.listConsents(trx, personId))
      await repo.updateConsentText(trx, consent.id, {
        wording: scrub(consent.wording),
        source: scrub(consent.source),
      });
    await scrubSegments(trx, scrub, now);
    const record = { ...person, socialHandles: handlesOf(person) };
    for (const h of ctx.personData) if (h.erase) await h.erase(trx, record, uniqueNeedles);
    await ctx.mailer.forgetRecipient(person.email, placeholder, uniqueNeedles.slice(1), trx);
    await ctx.audit.redact(uniqueNeedles, trx);
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'person.erase',
        subjectType: 'person',
        subjectId: personId,
      },
      trx,
    );
  });
}

/** A saved search for the person by name or email would otherwise keep their name. */
async function scrubSegments(
  trx: Transaction<Database>,
  scrub: (t: string) => string,
  now: string,
) {
  for (const segment of await repo.listSegments(trx)) {
    const scrubbed = scrub(segment.filters);
    if (scrubbed !== segment.filters)
      await repo.updateSegmentFilters(trx, segment.id, scrubbed, now);
  }
}
