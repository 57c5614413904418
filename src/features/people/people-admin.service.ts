import { emitDomainEvent } from '../../infra/events/domain-events.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import { PAGE_SIZE, type PeopleFilters } from './people.filters.js';
import * as repo from './people.repository.js';
import {
  type Person,
  postcodeFields,
  recordConsent,
  requireEmail,
  searchTextOf,
  toPerson,
} from './people.service.js';
import type { ConsentChannel, ConsentStatus } from './people.tables.js';
import {
  NAME_MAX_LENGTH,
  PHONE_MAX_LENGTH,
  POSTCODE_MAX_LENGTH,
  PersonInputError,
  checkLength,
  cleanTag,
  cleanText,
  mergeCustomFields,
  mergeTags,
  parseJsonArray,
} from './person-input.js';

export interface PeoplePage {
  people: (Person & { emailConsent: ConsentStatus | null })[];
  total: number;
  page: number;
  pageCount: number;
}

/** One page (1-based, PAGE_SIZE people, newest first) of the filtered list, with the total. */
export async function listPeople(
  ctx: Pick<ServiceContext, 'db' | 'trx'>,
  input: { filters: PeopleFilters; page: number },
): Promise<PeoplePage> {
  const { filters, page } = input;
  const [rows, total] = await Promise.all([
    repo.searchPeople(queries(ctx), filters, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    repo.countPeople(queries(ctx), filters),
  ]);
  const consents = await repo.latestConsentStatuses(
    queries(ctx),
    rows.map((r) => r.id),
    'email',
  );
  return {
    people: rows.map((r) => ({ ...toPerson(r), emailConsent: consents.get(r.id) ?? null })),
    total,
    page,
    pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
  };
}

/** Choices for the filter drop-downs: only values some supporter actually has. */
export async function filterChoices(ctx: Pick<ServiceContext, 'db' | 'trx'>) {
  const [constituencies, regions, actions] = await Promise.all([
    repo.listConstituencies(queries(ctx)),
    repo.listRegions(queries(ctx)),
    repo.listActivityKinds(queries(ctx)),
  ]);
  return {
    constituencies: constituencies.filter(
      (c): c is { code: string; name: string } => c.code !== null && c.name !== null,
    ),
    regions,
    actions,
  };
}

export interface PersonEdit {
  email: string;
  firstName: string;
  lastName: string;
  postcode: string;
  phone: string;
  customFields: Record<string, string>;
}

/**
 * A staff edit: unlike upsertPerson, an empty field here means "remove it", because the
 * organiser sees the stored value in the form and chose to clear it.
 */
export async function editPerson(
  ctx: ServiceContext,
  input: PersonEdit & { personId: number },
  actor: Actor,
): Promise<Person> {
  const { db } = ctx;
  const { personId, ...edit } = input;
  const email = requireEmail(edit.email);
  const firstName = cleanText(edit.firstName);
  const lastName = cleanText(edit.lastName);
  const postcode = cleanText(edit.postcode);
  const phone = cleanText(edit.phone);
  checkLength('First name', firstName, NAME_MAX_LENGTH);
  checkLength('Last name', lastName, NAME_MAX_LENGTH);
  checkLength('Postcode', postcode, POSTCODE_MAX_LENGTH);
  checkLength('Phone', phone, PHONE_MAX_LENGTH);
  const customFields = mergeCustomFields({}, edit.customFields);
  const directory = await getConstituencyDirectory(db);

  return inTransaction(ctx, async ({ trx }) => {
    const row = await repo.findPersonById(trx, personId, { forUpdate: true, dialect: db.dialect });
    if (!row || row.erased_at) throw new PersonInputError('This person no longer exists.');
    if (await repo.isEmailTaken(trx, email, personId))
      throw new PersonInputError('Another person already has that email address.');

    const patch: repo.PersonPatch = {
      email,
      first_name: firstName,
      last_name: lastName,
      phone,
      custom_fields: JSON.stringify(customFields),
    };
    if (!postcode)
      Object.assign(patch, {
        postcode: null,
        constituency_code: null,
        constituency_name: null,
        region: null,
      });
    else if (postcode !== row.postcode) Object.assign(patch, postcodeFields(directory, postcode));

    const changed = Object.entries(patch)
      .filter(([key, value]) => row[key as keyof repo.PersonRow] !== value)
      .map(([key]) => key);
    if (changed.length === 0) return toPerson(row);
    patch.search_text = searchTextOf(email, firstName, lastName);
    patch.updated_at = ctx.clock.now().toISOString();
    await repo.updatePerson(trx, personId, patch);
    await repo.insertActivity(trx, {
      person_id: personId,
      kind: 'edited',
      summary: `Details edited by staff (${changed.join(', ')})`,
      ref_type: null,
      ref_id: null,
      data: null,
      created_at: patch.updated_at,
    });
    await emitDomainEvent(
      trx,
      'person.updated',
      { person_id: personId, changed },
      patch.updated_at,
    );
    // Field names only: the audit trail must not become a second copy of personal data.
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'person.edit',
        subjectType: 'person',
        subjectId: personId,
        details: { fields: changed },
      },
      trx,
    );
    return toPerson({ ...row, ...patch });
  });
}

export async function changeTags(
  ctx: ServiceContext,
  change: { personId: number; add?: string; remove?: string },
  actor: Actor,
): Promise<void> {
  const { db } = ctx;
  const { personId } = change;
  const tag = cleanTag(change.add ?? change.remove ?? '');
  if (!tag) throw new PersonInputError('Enter a tag.');
  await inTransaction(ctx, async ({ trx }) => {
    const row = await repo.findPersonById(trx, personId, { forUpdate: true, dialect: db.dialect });
    if (!row || row.erased_at) throw new PersonInputError('This person no longer exists.');
    const stored = parseJsonArray(row.tags);
    const tags = change.add ? mergeTags(stored, [tag]) : stored.filter((t) => t !== tag);
    if (tags.length === stored.length) return;
    const at = ctx.clock.now().toISOString();
    await repo.updatePerson(trx, personId, { tags: JSON.stringify(tags), updated_at: at });
    await emitDomainEvent(trx, 'person.updated', { person_id: personId, changed: ['tags'] }, at);
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: change.add ? 'person.tag.add' : 'person.tag.remove',
        subjectType: 'person',
        subjectId: personId,
        details: { tag },
      },
      trx,
    );
  });
}

/** A consent change a supporter asked staff for (by phone, letter…). */
export async function recordConsentByStaff(
  ctx: ServiceContext,
  input: { personId: number; channel: ConsentChannel; status: ConsentStatus; note: string },
  actor: Actor,
): Promise<void> {
  const { personId } = input;
  const person = await repo.findPersonById(queries(ctx), personId);
  if (!person || person.erased_at) throw new PersonInputError('This person no longer exists.');
  const note = cleanText(input.note);
  if (!note) throw new PersonInputError('Say how the person gave or withdrew consent.');
  await inTransaction(ctx, async ({ trx }) => {
    await recordConsent(
      ctx.db,
      personId,
      {
        channel: input.channel,
        status: input.status,
        method: 'admin',
        wording: note,
        source: 'admin',
      },
      { trx },
    );
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'person.consent',
        subjectType: 'person',
        subjectId: personId,
        details: { channel: input.channel, status: input.status },
      },
      trx,
    );
  });
}
