import { nowIso } from '../../infra/db/database.js';
import type { Services } from '../../infra/services.js';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.js';
import { PAGE_SIZE, type PeopleFilters } from './people.filters.js';
import * as repo from './people.repository.js';
import {
  type Person,
  inTransaction,
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
import type { Db } from '../../infra/db/database.js';

export interface PeoplePage {
  people: (Person & { emailConsent: ConsentStatus | null })[];
  total: number;
  page: number;
  pageCount: number;
}

/** One page (1-based, PAGE_SIZE people, newest first) of the filtered list, with the total. */
export async function listPeople(
  db: Db,
  filters: PeopleFilters,
  page: number,
): Promise<PeoplePage> {
  const [rows, total] = await Promise.all([
    repo.searchPeople(db.kysely, filters, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    repo.countPeople(db.kysely, filters),
  ]);
  const consents = await repo.latestConsentStatuses(
    db.kysely,
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
export async function filterChoices(db: Db) {
  const [constituencies, regions, actions] = await Promise.all([
    repo.listConstituencies(db.kysely),
    repo.listRegions(db.kysely),
    repo.listActivityKinds(db.kysely),
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
  services: Services,
  personId: number,
  edit: PersonEdit,
  actorUserId: number,
): Promise<Person> {
  const { db } = services;
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

  return inTransaction(db, undefined, async (trx) => {
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
    patch.updated_at = nowIso();
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
    // Field names only: the audit trail must not become a second copy of personal data.
    await services.audit.record(
      {
        actorUserId,
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
  services: Services,
  personId: number,
  change: { add?: string; remove?: string },
  actorUserId: number,
): Promise<void> {
  const { db } = services;
  const tag = cleanTag(change.add ?? change.remove ?? '');
  if (!tag) throw new PersonInputError('Enter a tag.');
  await inTransaction(db, undefined, async (trx) => {
    const row = await repo.findPersonById(trx, personId, { forUpdate: true, dialect: db.dialect });
    if (!row || row.erased_at) throw new PersonInputError('This person no longer exists.');
    const stored = parseJsonArray(row.tags);
    const tags = change.add ? mergeTags(stored, [tag]) : stored.filter((t) => t !== tag);
    if (tags.length === stored.length) return;
    await repo.updatePerson(trx, personId, { tags: JSON.stringify(tags), updated_at: nowIso() });
    await services.audit.record(
      {
        actorUserId,
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
  services: Services,
  personId: number,
  input: { channel: ConsentChannel; status: ConsentStatus; note: string },
  actorUserId: number,
): Promise<void> {
  const { db } = services;
  const person = await repo.findPersonById(db.kysely, personId);
  if (!person || person.erased_at) throw new PersonInputError('This person no longer exists.');
  const note = cleanText(input.note);
  if (!note) throw new PersonInputError('Say how the person gave or withdrew consent.');
  await inTransaction(db, undefined, async (trx) => {
    await recordConsent(
      db,
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
    await services.audit.record(
      {
        actorUserId,
        action: 'person.consent',
        subjectType: 'person',
        subjectId: personId,
        details: { channel: input.channel, status: input.status },
      },
      trx,
    );
  });
}
