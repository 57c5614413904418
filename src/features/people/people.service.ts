import { emitDomainEvent } from '../../infra/events/domain-events.js';
import type { Transaction } from 'kysely';
import { type Db, nowIso } from '../../infra/db/database.js';
import type { Database } from '../../infra/db/schema.js';
import {
  type ConstituencyDirectory,
  getConstituencyDirectory,
} from '../constituencies/constituency-directory.service.js';
import { normaliseEmail } from '../../infra/validation/email.js';
import * as repo from './people.repository.js';
import {
  ACTIVITY_DATA_MAX_LENGTH,
  NAME_MAX_LENGTH,
  PHONE_MAX_LENGTH,
  POSTCODE_MAX_LENGTH,
  PersonInputError,
  SOURCE_MAX_LENGTH,
  SUMMARY_MAX_LENGTH,
  WORDING_MAX_LENGTH,
  checkLength,
  cleanText,
  mergeCustomFields,
  mergeTags,
  parseJsonArray,
  parseJsonObject,
} from './person-input.js';
import {
  CONSENT_CHANNELS,
  CONSENT_METHODS,
  CONSENT_STATUSES,
  type ConsentChannel,
  type ConsentMethod,
  type ConsentStatus,
} from './people.tables.js';

export { PersonInputError } from './person-input.js';
export type { ConsentChannel, ConsentMethod, ConsentStatus };

/** A supporter as the rest of Rally sees them. */
export interface Person {
  id: number;
  email: string;
  firstName: string | null;
  lastName: string | null;
  postcode: string | null;
  constituencyCode: string | null;
  constituencyName: string | null;
  region: string | null;
  phone: string | null;
  tags: string[];
  customFields: Record<string, string>;
  source: string;
  createdAt: string;
  updatedAt: string;
  erasedAt: string | null;
}

export interface PersonInput {
  email: string;
  firstName?: string | null;
  lastName?: string | null;
  postcode?: string | null;
  phone?: string | null;
  tags?: string[];
  customFields?: Record<string, string>;
  /** Where this came from, e.g. "petition:save-the-library"; kept from the first time only. */
  source: string;
}

export interface WriteOptions {
  /** Run inside the caller's transaction (e.g. a petition signature and its person together). */
  trx?: Transaction<Database>;
}

export interface UpsertOptions extends WriteOptions {
  /** Reuse a directory already loaded (imports upsert thousands of rows). */
  directory?: ConstituencyDirectory;
}

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

export function toPerson(row: repo.PersonRow): Person {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    postcode: row.postcode,
    constituencyCode: row.constituency_code,
    constituencyName: row.constituency_name,
    region: row.region,
    phone: row.phone,
    tags: parseJsonArray(row.tags),
    customFields: parseJsonObject(row.custom_fields),
    source: row.source,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    erasedAt: row.erased_at,
  };
}

export function displayName(p: Pick<Person, 'firstName' | 'lastName' | 'email'>): string {
  return [p.firstName, p.lastName].filter(Boolean).join(' ') || p.email;
}

export function searchTextOf(email: string, firstName: string | null, lastName: string | null) {
  return [email, firstName, lastName].filter(Boolean).join(' ').toLowerCase();
}

/** Runs `work` in the caller's transaction, or in a new one. */
export function inTransaction<T>(
  db: Db,
  trx: Transaction<Database> | undefined,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return trx ? work(trx) : db.kysely.transaction().execute(work);
}

export function requireEmail(input: string): string {
  const email = normaliseEmail(input);
  if (!email) throw new PersonInputError('Enter a valid email address, like name@example.org.');
  return email;
}

interface PostcodeFields {
  postcode: string;
  constituency_code: string | null;
  constituency_name: string | null;
  region: string | null;
}

/**
 * The postcode as stored, and the constituency it implies when it implies exactly one. A postcode
 * the directory does not recognise is still kept (upper-cased): it may be right and the data old.
 */
export function postcodeFields(directory: ConstituencyDirectory, raw: string): PostcodeFields {
  const lookup = directory.lookupPostcode(raw);
  const only =
    lookup.status === 'found' && lookup.candidates.length === 1 ? lookup.candidates[0] : undefined;
  return {
    postcode: lookup.status === 'invalid' ? raw.toUpperCase() : lookup.postcode,
    constituency_code: only?.code ?? null,
    constituency_name: only?.name ?? null,
    region: only?.region ?? null,
  };
}

/**
 * SQLite runs one connection: a query outside an open transaction waits for it to end, so inside
 * the caller's transaction the directory must be read through that transaction (uncached, hence
 * callers that upsert in a transaction should pass `directory`, fetched before they open it).
 */
function directoryFor(db: Db, trx: Transaction<Database> | undefined) {
  if (trx && db.dialect === 'sqlite') return getConstituencyDirectory({ ...db, kysely: trx });
  return getConstituencyDirectory(db);
}

interface CleanInput {
  email: string;
  firstName: string | null;
  lastName: string | null;
  postcode: string | null;
  phone: string | null;
  source: string;
}

function cleanInput(input: PersonInput): CleanInput {
  const email = requireEmail(input.email);
  const firstName = cleanText(input.firstName);
  const lastName = cleanText(input.lastName);
  const postcode = cleanText(input.postcode);
  const phone = cleanText(input.phone);
  const source = cleanText(input.source) ?? 'unknown';
  checkLength('First name', firstName, NAME_MAX_LENGTH);
  checkLength('Last name', lastName, NAME_MAX_LENGTH);
  checkLength('Postcode', postcode, POSTCODE_MAX_LENGTH);
  checkLength('Phone', phone, PHONE_MAX_LENGTH);
  checkLength('Source', source, SOURCE_MAX_LENGTH);
  return { email, firstName, lastName, postcode, phone, source };
}

/**
 * Creates or enriches the person with this email. Given values fill in or replace stored ones;
 * an empty or missing value never erases what is stored. Tags and custom fields are merged.
 * Throws PersonInputError for input the caller must fix (a bad email, an over-long field).
 */
export async function upsertPerson(
  db: Db,
  input: PersonInput,
  opts: UpsertOptions = {},
): Promise<{ id: number; outcome: UpsertOutcome }> {
  const clean = cleanInput(input);
  const directory = opts.directory ?? (await directoryFor(db, opts.trx));
  const derived = clean.postcode ? postcodeFields(directory, clean.postcode) : null;

  const changes: PersonChanges = {
    email: clean.email,
    firstName: clean.firstName,
    lastName: clean.lastName,
    phone: clean.phone,
    source: clean.source,
    derived,
    tags: mergeTags([], input.tags),
    customFields: mergeCustomFields({}, input.customFields),
  };

  return inTransaction(db, opts.trx, async (trx) => {
    const lock = { forUpdate: true, dialect: db.dialect };
    let existing = await repo.findPersonByEmail(trx, clean.email, lock);
    if (!existing) {
      const id = await repo.insertPersonIfNew(trx, newPersonRow(changes, nowIso()));
      if (id !== undefined) {
        await emitDomainEvent(trx, 'person.created', personEventData(id, changes));
        return { id, outcome: 'created' as const };
      }
      // Someone else created them between our read and our insert: merge into theirs.
      existing = await repo.findPersonByEmail(trx, clean.email, lock);
      if (!existing) throw new Error(`person ${clean.email} vanished during upsert`);
    }
    const patch = personPatch(existing, changes, nowIso());
    if (!patch) return { id: existing.id, outcome: 'unchanged' as const };
    await repo.updatePerson(trx, existing.id, patch);
    await emitDomainEvent(trx, 'person.updated', {
      person_id: existing.id,
      changed: Object.keys(patch).filter((k) => k !== 'search_text' && k !== 'updated_at'),
    });
    return { id: existing.id, outcome: 'updated' as const };
  });
}

/**
 * What a listener hears of a new supporter: which one, and where they came from. Ids, not
 * details: the event waits in the job table, which erasure does not rewrite, and a receiver
 * fetches the person through the API with a key allowed to read them.
 */
function personEventData(id: number, c: PersonChanges): Record<string, unknown> {
  return { person_id: id, source: c.source };
}

/** What one upsert brings, cleaned: the input to the rules below (also used by bulk import). */
export interface PersonChanges {
  email: string;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  source: string;
  /** The postcode and the constituency it implies, when a postcode was given. */
  derived: PostcodeFields | null;
  tags: string[];
  customFields: Record<string, string>;
}

export function newPersonRow(c: PersonChanges, now: string): repo.NewPersonRow {
  return {
    email: c.email,
    first_name: c.firstName,
    last_name: c.lastName,
    postcode: c.derived?.postcode ?? null,
    constituency_code: c.derived?.constituency_code ?? null,
    constituency_name: c.derived?.constituency_name ?? null,
    region: c.derived?.region ?? null,
    phone: c.phone,
    tags: JSON.stringify(c.tags),
    custom_fields: JSON.stringify(c.customFields),
    source: c.source,
    search_text: searchTextOf(c.email, c.firstName, c.lastName),
    created_at: now,
    updated_at: now,
  };
}

/**
 * The update an upsert makes to a stored person, or null when nothing changes. Given values fill
 * in or replace stored ones, an empty value never erases one, tags and custom fields are merged.
 */
export function personPatch(
  existing: repo.PersonRow,
  c: PersonChanges,
  now: string,
): repo.PersonPatch | null {
  const patch: repo.PersonPatch = {};
  if (c.firstName && c.firstName !== existing.first_name) patch.first_name = c.firstName;
  if (c.lastName && c.lastName !== existing.last_name) patch.last_name = c.lastName;
  if (c.phone && c.phone !== existing.phone) patch.phone = c.phone;
  // Constituency follows the postcode: a new postcode re-derives it, even to "unknown".
  if (c.derived && c.derived.postcode !== existing.postcode) Object.assign(patch, c.derived);
  const storedTags = parseJsonArray(existing.tags);
  const tags = mergeTags(storedTags, c.tags);
  if (tags.length !== storedTags.length) patch.tags = JSON.stringify(tags);
  const storedFields = parseJsonObject(existing.custom_fields);
  const fields = mergeCustomFields(storedFields, c.customFields);
  if (JSON.stringify(fields) !== JSON.stringify(storedFields))
    patch.custom_fields = JSON.stringify(fields);
  if (Object.keys(patch).length === 0) return null;
  patch.search_text = searchTextOf(
    existing.email,
    patch.first_name ?? existing.first_name,
    patch.last_name ?? existing.last_name,
  );
  patch.updated_at = now;
  return patch;
}

export async function findPersonByEmail(db: Db, email: string): Promise<Person | undefined> {
  const normalised = normaliseEmail(email);
  if (!normalised) return undefined;
  const row = await repo.findPersonByEmail(db.kysely, normalised);
  return row ? toPerson(row) : undefined;
}

export async function getPerson(db: Db, id: number): Promise<Person | undefined> {
  const row = await repo.findPersonById(db.kysely, id);
  return row ? toPerson(row) : undefined;
}

// ---- consent -----------------------------------------------------------------------------------

export interface ConsentInput {
  channel: ConsentChannel;
  status: ConsentStatus;
  method: ConsentMethod;
  /** The exact words the person saw (or the import's description of how it was obtained). */
  wording: string;
  /** e.g. "petition:save-the-library", "import:members.csv", "admin" */
  source: string;
}

export interface ConsentRecord {
  id: number;
  channel: ConsentChannel;
  status: ConsentStatus;
  method: ConsentMethod;
  wording: string;
  source: string;
  createdAt: string;
}

/** How a consent record reads on the timeline (also written by bulk import). */
export function consentActivitySummary(
  consent: { channel: ConsentChannel; status: ConsentStatus; method: ConsentMethod },
  source: string,
): string {
  return `${CHANNEL_LABELS[consent.channel]} consent ${consent.status} (${consent.method}, ${source})`;
}

const CHANNEL_LABELS: Record<ConsentChannel, string> = {
  email: 'Email',
  sms: 'SMS',
  phone: 'Phone',
  post: 'Post',
};

/**
 * Appends to the person's consent history (never edits it) and notes it on their timeline.
 * The latest record per channel is the current state.
 */
export async function recordConsent(
  db: Db,
  personId: number,
  consent: ConsentInput,
  opts: WriteOptions = {},
): Promise<number> {
  if (!CONSENT_CHANNELS.includes(consent.channel))
    throw new PersonInputError(`Unknown consent channel "${String(consent.channel)}".`);
  if (!CONSENT_STATUSES.includes(consent.status))
    throw new PersonInputError(`Unknown consent status "${String(consent.status)}".`);
  if (!CONSENT_METHODS.includes(consent.method))
    throw new PersonInputError(`Unknown consent method "${String(consent.method)}".`);
  const wording = consent.wording.trim();
  const source = cleanText(consent.source) ?? 'unknown';
  if (!wording) throw new PersonInputError('Consent needs the wording that was shown.');
  checkLength('Consent wording', wording, WORDING_MAX_LENGTH);
  checkLength('Consent source', source, SOURCE_MAX_LENGTH);

  return inTransaction(db, opts.trx, async (trx) => {
    const createdAt = nowIso();
    const id = await repo.insertConsent(trx, {
      person_id: personId,
      channel: consent.channel,
      status: consent.status,
      method: consent.method,
      wording,
      source,
      created_at: createdAt,
    });
    await repo.insertActivity(trx, {
      person_id: personId,
      kind: 'consent',
      summary: consentActivitySummary(consent, source),
      ref_type: 'consent',
      ref_id: String(id),
      data: null,
      created_at: createdAt,
    });
    await emitDomainEvent(
      trx,
      'consent.changed',
      { person_id: personId, channel: consent.channel, status: consent.status, source },
      createdAt,
    );
    return id;
  });
}

function toConsent(row: repo.ConsentRow): ConsentRecord {
  return {
    id: row.id,
    channel: row.channel,
    status: row.status,
    method: row.method,
    wording: row.wording,
    source: row.source,
    createdAt: row.created_at,
  };
}

/** Newest first. */
export async function listConsentHistory(db: Db, personId: number): Promise<ConsentRecord[]> {
  return (await repo.listConsents(db.kysely, personId)).map(toConsent);
}

/** The person's current consent on a channel, or null if they never gave or refused it. */
export async function currentConsent(
  db: Db,
  personId: number,
  channel: ConsentChannel,
): Promise<ConsentStatus | null> {
  return (await repo.latestConsent(db.kysely, personId, channel))?.status ?? null;
}

// ---- activity ----------------------------------------------------------------------------------

export interface ActivityInput {
  /** e.g. signed, letter, comment, imported */
  kind: string;
  /** One line for the timeline. Erasure replaces it, so it may name the person. */
  summary: string;
  /** What it is about, e.g. refType "petition", refId 12. */
  refType?: string | null;
  refId?: string | number | null;
  /** Extra detail, stored as JSON; dropped on erasure. */
  data?: unknown;
}

export interface Activity {
  id: number;
  kind: string;
  summary: string;
  refType: string | null;
  refId: string | null;
  data: unknown;
  createdAt: string;
}

export const ACTIVITY_KIND_PATTERN = /^[a-z][a-z0-9_.-]{0,49}$/;

export async function recordActivity(
  db: Db,
  personId: number,
  activity: ActivityInput,
  opts: WriteOptions = {},
): Promise<number> {
  if (!ACTIVITY_KIND_PATTERN.test(activity.kind))
    throw new PersonInputError(
      'An activity kind is 1–50 lower-case letters, digits, dots, dashes or underscores.',
    );
  const summary = cleanText(activity.summary) ?? activity.kind;
  checkLength('Activity summary', summary, SUMMARY_MAX_LENGTH);
  const data = activity.data === undefined ? null : JSON.stringify(activity.data);
  checkLength('Activity data', data, ACTIVITY_DATA_MAX_LENGTH);
  return repo.insertActivity(opts.trx ?? db.kysely, {
    person_id: personId,
    kind: activity.kind,
    summary,
    ref_type: activity.refType ?? null,
    ref_id: activity.refId === undefined || activity.refId === null ? null : String(activity.refId),
    data,
    created_at: nowIso(),
  });
}

export function toActivity(row: repo.ActivityRow): Activity {
  let data: unknown = null;
  if (row.data !== null) {
    try {
      data = JSON.parse(row.data);
    } catch {
      data = row.data;
    }
  }
  return {
    id: row.id,
    kind: row.kind,
    summary: row.summary,
    refType: row.ref_type,
    refId: row.ref_id,
    data,
    createdAt: row.created_at,
  };
}

/** Newest first. */
export async function listActivities(
  db: Db,
  personId: number,
  limit?: number,
): Promise<Activity[]> {
  return (await repo.listActivities(db.kysely, personId, limit)).map(toActivity);
}
