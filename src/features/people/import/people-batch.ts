import type { Insertable, Transaction } from 'kysely';
import { type Db, nowIso } from '../../../infra/db/database.js';
import type { Database } from '../../../infra/db/schema.js';
import type { ConstituencyDirectory } from '../../constituencies/constituency-directory.service.js';
import * as repo from '../people.repository.js';
import {
  type PersonChanges,
  consentActivitySummary,
  PersonInputError,
  newPersonRow,
  personPatch,
  postcodeFields,
  upsertPerson,
} from '../people.service.js';
import type { ConsentChannel, PeopleTables } from '../people.tables.js';
import { mergeCustomFields, mergeTags } from '../person-input.js';
import { insertMany } from './bulk-insert.js';
import type { ImportedPerson } from './row-to-person.js';

export type BatchOutcome =
  | { rowNumber: number; outcome: 'created' | 'updated' | 'unchanged'; consents: number }
  | { rowNumber: number; outcome: 'rejected'; reason: string };

export interface BatchRow {
  rowNumber: number;
  person: ImportedPerson;
}

export interface BatchOptions {
  /** e.g. "import:members.csv": kept on people created by this import. */
  source: string;
  /** The file name as shown in consent wording and on the timeline. */
  filename: string;
  directory: ConstituencyDirectory;
  /** Work out the outcomes only; write nothing. */
  dryRun: boolean;
  /** The people_imports row, when there is one: a re-run never notes a person twice. */
  importId?: number;
}

type NewPerson = Insertable<PeopleTables['people']>;

const PERSON_COLUMNS = [
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
  'source',
  'search_text',
  'created_at',
  'updated_at',
] as const;
const CONSENT_COLUMNS = [
  'person_id',
  'channel',
  'status',
  'method',
  'wording',
  'source',
  'created_at',
] as const;
const ACTIVITY_COLUMNS = [
  'person_id',
  'kind',
  'summary',
  'ref_type',
  'ref_id',
  'data',
  'created_at',
] as const;

type Plan =
  | { row: BatchRow; kind: 'create'; values: NewPerson }
  | { row: BatchRow; kind: 'update'; existing: repo.PersonRow; patch: repo.PersonPatch }
  | { row: BatchRow; kind: 'unchanged'; existing: repo.PersonRow }
  | { row: BatchRow; kind: 'rejected'; reason: string };

export const IMPORT_REF_TYPE = 'people_import';

/** What upsertPerson would do with this row, worked out without writing, by the same rules. */
function plan(
  row: BatchRow,
  existing: repo.PersonRow | undefined,
  opts: BatchOptions,
  now: string,
): Plan {
  const p = row.person;
  try {
    const changes: PersonChanges = {
      email: p.email,
      firstName: p.firstName,
      lastName: p.lastName,
      phone: p.phone,
      source: opts.source,
      derived: p.postcode ? postcodeFields(opts.directory, p.postcode) : null,
      tags: mergeTags([], p.tags),
      customFields: mergeCustomFields({}, p.customFields),
    };
    if (!existing) return { row, kind: 'create', values: newPersonRow(changes, now) };
    const patch = personPatch(existing, changes, now);
    return patch ? { row, kind: 'update', existing, patch } : { row, kind: 'unchanged', existing };
  } catch (err) {
    if (err instanceof PersonInputError) return { row, kind: 'rejected', reason: err.message };
    throw err;
  }
}

/**
 * Rows per multi-row statement. SQLite parses each statement afresh, and past a hundred rows or
 * so parsing costs more than the round trips it saves; PostgreSQL pays a round trip per
 * statement, so it gets bigger ones (still well under its 65,535 bound parameters).
 */
function statementRows(db: Db): number {
  return db.dialect === 'sqlite' ? 100 : 1000;
}

function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function findByEmails(
  ex: repo.Executor,
  emails: string[],
  opts: { size: number; forUpdate: boolean },
): Promise<repo.PersonRow[]> {
  const found: repo.PersonRow[] = [];
  for (const part of chunked(emails, opts.size)) {
    let query = ex.selectFrom('people').selectAll().where('email', 'in', part);
    if (opts.forUpdate) query = query.forUpdate();
    found.push(...(await query.execute()));
  }
  return found;
}

/** "personId:channel" for people in `ids` with any consent record on that channel. */
async function consentHistory(ex: repo.Executor, ids: number[], size: number) {
  const found = new Set<string>();
  for (const part of chunked(ids, size)) {
    const rows = await ex
      .selectFrom('consents')
      .select(['person_id', 'channel'])
      .where('person_id', 'in', part)
      .groupBy(['person_id', 'channel'])
      .execute();
    for (const r of rows) found.add(`${r.person_id}:${r.channel}`);
  }
  return found;
}

/** People this import already noted on their timeline (a retried job must not note them twice). */
async function alreadyNoted(ex: repo.Executor, importId: number, ids: number[], size: number) {
  const found = new Set<number>();
  for (const part of chunked(ids, size)) {
    const rows = await ex
      .selectFrom('activities')
      .select('person_id')
      .where('ref_type', '=', IMPORT_REF_TYPE)
      .where('ref_id', '=', String(importId))
      .where('person_id', 'in', part)
      .execute();
    for (const r of rows) found.add(r.person_id);
  }
  return found;
}

export function consentWording(filename: string, header: string): string {
  return `Imported from ${filename} column ${header}`;
}

interface Written {
  row: BatchRow;
  personId: number;
  outcome: 'created' | 'updated' | 'unchanged';
  channels: ConsentChannel[];
}

/**
 * upsertPerson for many rows at once, for imports: one query finds every existing person in the
 * batch, new people, consents and timeline entries go in with multi-row inserts, and the whole
 * batch is one transaction. Each row's outcome is exactly what upsertPerson would have given.
 * Consent is recorded (as recordConsent would: the record plus a timeline entry) only for people
 * with no consent history on that channel, so an old spreadsheet can never undo an unsubscribe,
 * and a re-run records nothing twice. Every person gets an "imported" timeline entry.
 * Rows must have distinct emails (the import runner rejects repeats first).
 */
export async function upsertPeopleBatch(
  db: Db,
  rows: readonly BatchRow[],
  opts: BatchOptions,
): Promise<BatchOutcome[]> {
  if (rows.length === 0) return [];
  const size = statementRows(db);
  const now = nowIso();

  const planAll = async (ex: repo.Executor, forUpdate: boolean) => {
    const emails = rows.map((r) => r.person.email);
    const found = await findByEmails(ex, emails, { size, forUpdate });
    const existing = new Map(found.map((p) => [p.email, p]));
    const plans = rows.map((row) => plan(row, existing.get(row.person.email), opts, now));
    const consented = await consentHistory(
      ex,
      found.map((p) => p.id),
      size,
    );
    return { plans, consented };
  };
  const channelsFor = (row: BatchRow, personId: number | undefined, consented: Set<string>) =>
    row.person.consents
      .map((c) => c.channel)
      .filter((c) => personId === undefined || !consented.has(`${personId}:${c}`));

  if (opts.dryRun) {
    const { plans, consented } = await planAll(db.kysely, false);
    return plans.map((p): BatchOutcome => {
      const rowNumber = p.row.rowNumber;
      if (p.kind === 'rejected') return { rowNumber, outcome: 'rejected', reason: p.reason };
      const id = p.kind === 'create' ? undefined : p.existing.id;
      const outcome = p.kind === 'create' ? 'created' : p.kind === 'update' ? 'updated' : p.kind;
      return { rowNumber, outcome, consents: channelsFor(p.row, id, consented).length };
    });
  }

  return db.kysely.transaction().execute(async (trx) => {
    const { plans, consented } = await planAll(trx, db.dialect === 'postgres');
    const inserted = new Map<string, number>();
    const creates = plans.flatMap((p) => (p.kind === 'create' ? [p.values] : []));
    for (const part of chunked(creates, size)) {
      const ids = await insertMany<'people', { id: number; email: string }>(
        trx,
        db.dialect,
        'people',
        PERSON_COLUMNS,
        part,
        { skipConflictsOn: 'email', returning: ['id', 'email'] },
      );
      for (const r of ids) inserted.set(r.email, r.id);
    }

    const outcomes: BatchOutcome[] = [];
    const written: Written[] = [];
    for (const p of plans) {
      const rowNumber = p.row.rowNumber;
      if (p.kind === 'rejected') {
        outcomes.push({ rowNumber, outcome: 'rejected', reason: p.reason });
        continue;
      }
      let w: Written;
      const newId = inserted.get(p.row.person.email);
      if (p.kind === 'create' && newId !== undefined) {
        w = { row: p.row, personId: newId, outcome: 'created', channels: [] };
        w.channels = channelsFor(p.row, undefined, consented);
      } else if (p.kind === 'create') {
        // Someone else created them after the batch was read: the service merges into theirs.
        const result = await upsertPerson(db, toPersonInput(p.row.person, opts.source), {
          trx,
          directory: opts.directory,
        });
        const history = await consentHistory(trx, [result.id], size);
        w = { row: p.row, personId: result.id, outcome: result.outcome, channels: [] };
        w.channels = channelsFor(p.row, result.id, history);
      } else {
        if (p.kind === 'update') await repo.updatePerson(trx, p.existing.id, p.patch);
        const outcome = p.kind === 'update' ? 'updated' : 'unchanged';
        w = { row: p.row, personId: p.existing.id, outcome, channels: [] };
        w.channels = channelsFor(p.row, p.existing.id, consented);
      }
      written.push(w);
      outcomes.push({ rowNumber, outcome: w.outcome, consents: w.channels.length });
    }

    const timeline = await recordImportConsents(trx, written, opts, { db, size, now });
    const noted =
      opts.importId === undefined
        ? new Set<number>()
        : await alreadyNoted(
            trx,
            opts.importId,
            written.map((w) => w.personId),
            size,
          );
    for (const w of written) {
      if (noted.has(w.personId)) continue;
      timeline.push({
        person_id: w.personId,
        kind: 'imported',
        summary: `Imported from ${opts.filename} (row ${w.row.rowNumber}, ${w.outcome})`,
        ref_type: IMPORT_REF_TYPE,
        ref_id: opts.importId === undefined ? null : String(opts.importId),
        data: JSON.stringify({ file: opts.filename, row: w.row.rowNumber, outcome: w.outcome }),
        created_at: now,
      });
    }
    for (const part of chunked(timeline, size))
      await insertMany(trx, db.dialect, 'activities', ACTIVITY_COLUMNS, part);
    return outcomes;
  });
}

type NewActivity = Insertable<PeopleTables['activities']>;

/** Inserts the consent records; returns their timeline entries (as recordConsent writes them). */
async function recordImportConsents(
  trx: Transaction<Database>,
  written: readonly Written[],
  opts: BatchOptions,
  { db, size, now }: { db: Db; size: number; now: string },
): Promise<NewActivity[]> {
  const consents = written.flatMap((w) =>
    w.channels.map((channel) => ({
      person_id: w.personId,
      channel,
      status: 'granted' as const,
      method: 'import' as const,
      wording: consentWording(
        opts.filename,
        w.row.person.consents.find((c) => c.channel === channel)?.header ?? '',
      ),
      source: opts.source,
      created_at: now,
    })),
  );
  const timeline: NewActivity[] = [];
  for (const part of chunked(consents, size)) {
    const ids = await insertMany<
      'consents',
      { id: number; person_id: number; channel: ConsentChannel }
    >(trx, db.dialect, 'consents', CONSENT_COLUMNS, part, {
      returning: ['id', 'person_id', 'channel'],
    });
    for (const r of ids)
      timeline.push({
        person_id: r.person_id,
        kind: 'consent',
        summary: consentActivitySummary(
          { channel: r.channel, status: 'granted', method: 'import' },
          opts.source,
        ),
        ref_type: 'consent',
        ref_id: String(r.id),
        data: null,
        created_at: now,
      });
  }
  return timeline;
}

function toPersonInput(p: ImportedPerson, source: string) {
  return {
    email: p.email,
    firstName: p.firstName,
    lastName: p.lastName,
    postcode: p.postcode,
    phone: p.phone,
    tags: p.tags,
    customFields: p.customFields,
    source,
  };
}
