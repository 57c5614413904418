import type { Db } from '../../infra/db/database.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import * as repo from './targets.repository.js';
import type { TargetFilters, TargetListRow, TargetRow } from './targets.repository.js';
import {
  type FieldErrors,
  type ListErrors,
  TARGET_FIELDS,
  type TargetField,
  type TargetFields,
  type TargetInput,
  type TargetListFields,
  type TargetListInput,
  validateTargetFields,
  validateTargetList,
} from './targets.rules.js';
import { isUniqueViolation } from '../../infra/db/unique-violation.js';

export { TARGET_FIELDS } from './targets.rules.js';

export type { TargetFilters, TargetListRow as TargetList, TargetRow as Target };

/** What "find your representative" needs to show and contact someone. */
export type TargetContact = repo.TargetContactRow;

/** The targets of a list who represent one division (e.g. the MP for constituency E14000886). */
export function findTargetsByDivision(
  db: Db,
  listSlug: string,
  divisionCode: string,
): Promise<TargetContact[]> {
  return repo.findByDivision(db, listSlug, divisionCode);
}

export function getTargetList(db: Db, slug: string): Promise<TargetListRow | undefined> {
  return repo.findListBySlug(db.kysely, slug);
}

export interface TargetListSummary {
  id: number;
  slug: string;
  name: string;
  description: string | null;
  updatedAt: string;
  targetCount: number;
}

export async function listTargetLists(db: Db): Promise<TargetListSummary[]> {
  const rows = await repo.listListsWithCounts(db);
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    name: r.name,
    description: r.description,
    updatedAt: r.updated_at,
    targetCount: Number(r.target_count),
  }));
}

export type CreateListResult =
  { ok: true; list: TargetListRow } | { ok: false; errors: ListErrors; values: TargetListInput };

export async function createTargetList(
  ctx: ServiceContext,
  input: TargetListInput,
  actor: Actor,
): Promise<CreateListResult> {
  const checked = validateTargetList(input);
  if (!checked.ok) return { ok: false, errors: checked.errors, values: input };
  const slugTaken: CreateListResult = {
    ok: false,
    errors: { slug: `A list with the slug "${checked.value.slug}" already exists.` },
    values: { ...input, slug: checked.value.slug },
  };
  if (await repo.findListBySlug(queries(ctx), checked.value.slug)) return slugTaken;
  try {
    return { ok: true, list: await insertListAudited(ctx, checked.value, actor) };
  } catch (err) {
    if (isUniqueViolation(err)) return slugTaken;
    throw err;
  }
}

async function insertListAudited(
  ctx: ServiceContext,
  fields: TargetListFields,
  actor: Actor,
): Promise<TargetListRow> {
  return inTransaction(ctx, async ({ trx }) => {
    const created = await repo.insertList(trx, fields, ctx.clock.now().toISOString());
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'targets.list.create',
        subjectType: 'target_list',
        subjectId: created.id,
        details: { slug: created.slug },
      },
      trx,
    );
    return created;
  });
}

/** The list with this slug, created with the given name and description if it is missing. */
export async function ensureTargetList(
  ctx: ServiceContext,
  fields: { slug: string; name: string; description?: string },
): Promise<TargetListRow> {
  const existing = await repo.findListBySlug(queries(ctx), fields.slug);
  if (existing) return existing;
  const created = await createTargetList(ctx, fields, null);
  if (!created.ok) throw new Error(`Cannot create target list ${fields.slug}`);
  return created.list;
}

/** Targets shown per page in the admin list. */
export const TARGETS_PAGE_SIZE = 50;

export interface TargetPage {
  targets: TargetRow[];
  total: number;
  page: number;
  pages: number;
}

export async function listTargets(
  db: Db,
  listId: number,
  filters: TargetFilters & { page?: number; pageSize?: number } = {},
): Promise<TargetPage> {
  const pageSize = filters.pageSize ?? TARGETS_PAGE_SIZE;
  const total = await repo.countTargets(db, listId, filters);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, Math.floor(filters.page ?? 1)), pages);
  const targets = await repo.pageOfTargets(db, listId, filters, pageSize, (page - 1) * pageSize);
  return { targets, total, page, pages };
}

export function listParties(db: Db, listId: number): Promise<string[]> {
  return repo.partiesOf(db, listId);
}

export function getTarget(db: Db, listId: number, id: number): Promise<TargetRow | undefined> {
  return repo.findTarget(db.kysely, listId, id);
}

/** Those of the ids that are in the list, once each in the order asked, in one query. */
export async function getTargets(
  db: Db,
  listId: number,
  ids: readonly number[],
): Promise<TargetRow[]> {
  const distinct = [...new Set(ids)];
  if (distinct.length === 0) return [];
  const byId = new Map((await repo.findTargets(db.kysely, listId, distinct)).map((t) => [t.id, t]));
  return distinct.flatMap((id) => byId.get(id) ?? []);
}

export type SaveTargetResult =
  | { ok: true; target: TargetRow }
  | { ok: false; errors: FieldErrors }
  | { ok: false; notFound: true };

function emptyFields(): TargetFields {
  return Object.fromEntries(TARGET_FIELDS.map((f) => [f, null])) as TargetFields;
}

async function externalIdTaken(
  ctx: ServiceContext,
  listId: number,
  externalId: string | null | undefined,
  exceptId?: number,
): Promise<boolean> {
  if (!externalId) return false;
  const other = await repo.findByExternalId(queries(ctx), listId, externalId);
  return other !== undefined && other.id !== exceptId;
}

const EXTERNAL_ID_TAKEN = 'Another target in this list already has this external id.';

/** Undefined when another write took the external id between our check and our write. */
async function externalIdGuard<T>(write: () => Promise<T>): Promise<T | undefined> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) return undefined;
    throw err;
  }
}

export async function createTarget(
  ctx: ServiceContext,
  input: { listId: number; fields: TargetInput },
  actor: Actor,
): Promise<SaveTargetResult> {
  const { listId } = input;
  const checked = validateTargetFields(input.fields, { requireName: true });
  if (!checked.ok) return checked;
  if (await externalIdTaken(ctx, listId, checked.value.external_id))
    return { ok: false, errors: { external_id: EXTERNAL_ID_TAKEN } };
  const now = ctx.clock.now().toISOString();
  const target = await externalIdGuard(() =>
    inTransaction(ctx, async ({ trx }) => {
      const row = await repo.insertTarget(trx, {
        ...emptyFields(),
        ...checked.value,
        name: checked.value.name ?? '',
        list_id: listId,
        created_at: now,
        updated_at: now,
      });
      await repo.touchList(trx, listId, now);
      await ctx.audit.record(
        {
          actorUserId: actorId(actor),
          action: 'targets.create',
          subjectType: 'target',
          subjectId: row.id,
        },
        trx,
      );
      return row;
    }),
  );
  return target ? { ok: true, target } : { ok: false, errors: { external_id: EXTERNAL_ID_TAKEN } };
}

/** Replaces every field with the form's values: a blank field clears the stored value. */
export async function updateTarget(
  ctx: ServiceContext,
  input: { listId: number; id: number; fields: TargetInput },
  actor: Actor,
): Promise<SaveTargetResult> {
  const { listId, id } = input;
  const existing = await repo.findTarget(queries(ctx), listId, id);
  if (!existing) return { ok: false, notFound: true };
  const complete = Object.fromEntries(TARGET_FIELDS.map((f) => [f, input.fields[f] ?? null]));
  const checked = validateTargetFields(complete, { requireName: true });
  if (!checked.ok) return checked;
  if (await externalIdTaken(ctx, listId, checked.value.external_id, id))
    return { ok: false, errors: { external_id: EXTERNAL_ID_TAKEN } };
  const changed = TARGET_FIELDS.filter((f) => (checked.value[f] ?? null) !== existing[f]);
  if (changed.length === 0) return { ok: true, target: existing };
  const changes = Object.fromEntries(changed.map((f) => [f, checked.value[f] ?? null]));
  const now = ctx.clock.now().toISOString();
  const saved = await externalIdGuard(() =>
    inTransaction(ctx, async ({ trx }) => {
      await repo.updateTarget(trx, id, { ...changes, updated_at: now });
      await repo.touchList(trx, listId, now);
      await ctx.audit.record(
        {
          actorUserId: actorId(actor),
          action: 'targets.update',
          subjectType: 'target',
          subjectId: id,
          details: { fields: changed },
        },
        trx,
      );
      return true;
    }),
  );
  if (!saved) return { ok: false, errors: { external_id: EXTERNAL_ID_TAKEN } };
  const target = await repo.findTarget(queries(ctx), listId, id);
  return target ? { ok: true, target } : { ok: false, notFound: true };
}

export async function deleteTarget(
  ctx: ServiceContext,
  input: { listId: number; id: number },
  actor: Actor,
): Promise<boolean> {
  const { listId, id } = input;
  return inTransaction(ctx, async ({ trx }) => {
    const existing = await repo.findTarget(trx, listId, id);
    if (!existing) return false;
    await repo.deleteTarget(trx, listId, id);
    await repo.touchList(trx, listId, ctx.clock.now().toISOString());
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'targets.delete',
        subjectType: 'target',
        subjectId: id,
        details: { name: existing.name, external_id: existing.external_id },
      },
      trx,
    );
    return true;
  });
}

/** Another import or edit of the same list wrote the same external id meanwhile. */
export class ImportConflictError extends Error {
  constructor() {
    super(
      'Someone else changed this list while the file was imported. Nothing was saved: import it again.',
    );
  }
}

/** One row of an import, with the line it came from so rejections can point at it. */
export interface ImportRow {
  line: number;
  input: TargetInput;
}

export interface ImportReport {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: Array<{ line: number; reasons: string[] }>;
}

type Pending = TargetFields & { id?: number };

function nameKey(divisionCode: string | null, name: string): string {
  return `${divisionCode ?? ''}\u0000${name.toLowerCase()}`;
}

/**
 * Creates or updates targets in a list from imported rows. A row matches an existing target by
 * external id, else by division code + name. Blank cells never overwrite stored values, so
 * details an organiser has added (such as emails) survive re-imports of the source data. All
 * rows are written in one transaction: a failure saves nothing.
 */
export async function importTargets(
  ctx: ServiceContext,
  input: {
    listId: number;
    rows: ImportRow[];
    /** Where the rows came from, for the audit log. */ source: string;
  },
  actor: Actor,
): Promise<ImportReport> {
  const { listId, rows, source } = input;
  const now = ctx.clock.now().toISOString();
  try {
    return await inTransaction(ctx, async ({ trx }) => {
      const report = await applyImport(trx, listId, rows, now);
      if (report.created || report.updated) await repo.touchList(trx, listId, now);
      await ctx.audit.record(
        {
          actorUserId: actorId(actor),
          action: 'targets.import',
          subjectType: 'target_list',
          subjectId: listId,
          details: {
            source,
            rows: report.rows,
            created: report.created,
            updated: report.updated,
            unchanged: report.unchanged,
            rejected: report.rejected.length,
          },
        },
        trx,
      );
      return report;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ImportConflictError();
    throw err;
  }
}

async function applyImport(
  trx: repo.Executor,
  listId: number,
  rows: ImportRow[],
  now: string,
): Promise<ImportReport> {
  const report: ImportReport = {
    rows: rows.length,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: [],
  };
  const byExternalId = new Map<string, Pending>();
  const byName = new Map<string, Pending>();
  const index = (t: Pending) => {
    if (t.external_id) byExternalId.set(t.external_id, t);
    if (t.name) byName.set(nameKey(t.division_code, t.name), t);
  };
  const existing = new Map<number, Pending>();
  for (const row of await repo.allTargetsOf(trx, listId)) {
    const t: Pending = { ...row };
    existing.set(row.id, t);
    index(t);
  }

  const inserts: Pending[] = [];
  const updates = new Map<number, Set<TargetField>>();
  for (const row of rows) {
    const checked = validateTargetFields(row.input, { requireName: false });
    if (!checked.ok) {
      report.rejected.push({ line: row.line, reasons: Object.values(checked.errors) });
      continue;
    }
    const fields = checked.value;
    const sameName = fields.name
      ? byName.get(nameKey(fields.division_code ?? null, fields.name))
      : undefined;
    const match =
      (fields.external_id ? byExternalId.get(fields.external_id) : undefined) ??
      // A namesake with another external id is another person.
      (sameName && (!sameName.external_id || !fields.external_id) ? sameName : undefined);
    if (!match) {
      if (!fields.name) {
        report.rejected.push({
          line: row.line,
          reasons: ['Name is missing (a new target needs a name).'],
        });
        continue;
      }
      const created: Pending = { ...emptyFields(), ...fields };
      inserts.push(created);
      index(created);
      report.created++;
      continue;
    }
    const changed = TARGET_FIELDS.filter((f) => {
      const value = fields[f];
      return value !== undefined && value !== null && value !== match[f];
    });
    if (changed.length === 0) {
      report.unchanged++;
      continue;
    }
    for (const f of changed) match[f] = fields[f] ?? null;
    index(match);
    if (match.id !== undefined) {
      const set = updates.get(match.id) ?? new Set<TargetField>();
      for (const f of changed) set.add(f);
      updates.set(match.id, set);
    }
    report.updated++;
  }

  for (const [id, fieldSet] of updates) {
    const target = existing.get(id);
    if (!target) continue;
    const changes = Object.fromEntries([...fieldSet].map((f) => [f, target[f]]));
    await repo.updateTarget(trx, id, { ...changes, updated_at: now });
  }
  await repo.insertTargets(
    trx,
    inserts.map((t) => ({
      ...t,
      name: t.name ?? '',
      list_id: listId,
      created_at: now,
      updated_at: now,
    })),
  );
  return report;
}
