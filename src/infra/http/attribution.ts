import type { FastifyRequest } from 'fastify';
import { type RawBuilder, sql } from 'kysely';
import { z } from 'zod';
import { type SafeHtml, html } from '../html/html.js';
import { type ServiceContext, queries } from '../service-context.js';

/**
 * Action attribution: where a signature, letter or RSVP came from. Rally's own links carry
 * `?source=…` (a mailing's are `mailing-<id>`, or `mailing-<id>-b` for a subject variant); the
 * page puts it in a hidden `source` field, the form posts it back, and the feature stores it on the
 * action row. Without one, the referring site's domain is kept as `ref:<domain>`.
 */

/** Longest stored source (the column holds at most this). */
export const SOURCE_MAX_LENGTH = 64;
/** Longer raw values are refused outright rather than cut (a pasted URL, a probe). */
export const SOURCE_RAW_MAX_LENGTH = 200;
/** Longest referrer host kept (DNS names are at most 253). */
const REFERRER_HOST_MAX_LENGTH = SOURCE_MAX_LENGTH - 'ref:'.length;

/**
 * Free text as a source: lower-case, `[a-z0-9._:-]` only (anything else becomes `-`, runs
 * collapse), at most 64 characters. Empty, too long, or nothing left → null (ignored, never an
 * error: a mangled link still lets people act).
 */
export function normaliseSource(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  if (raw.length > SOURCE_RAW_MAX_LENGTH) return null;
  const cleaned = raw
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._:-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.:]+|[-.:]+$/g, '')
    .slice(0, SOURCE_MAX_LENGTH)
    .replace(/[-.:]+$/g, '');
  return cleaned || null;
}

/** A Referer header as a URL; null when absent, oversized or not a URL. */
function refererUrl(referer: unknown): URL | null {
  if (typeof referer !== 'string' || !referer || referer.length > 2000) return null;
  try {
    return new URL(referer);
  } catch {
    return null;
  }
}

/** `ref:<domain>` for a Referer on another site (its host only: never a path or query). */
export function referrerSource(referer: unknown, ownOrigin: string): string | null {
  const url = refererUrl(referer);
  if (!url) return null;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.origin === ownOrigin) return null;
  const host = url.hostname.toLowerCase().replace(/^www\./, '');
  if (!host || host.length > REFERRER_HOST_MAX_LENGTH || !/^[a-z0-9.:-]+$/.test(host)) return null;
  return `ref:${host}`;
}

/** The `source` a page was opened with: `?source=` first, else the referring site's domain. */
export function pageSource(req: FastifyRequest, ownOrigin: string): string | null {
  const query = req.query as Record<string, unknown> | null | undefined;
  return normaliseSource(query?.source) ?? referrerSource(req.headers.referer, ownOrigin);
}

/**
 * The source of a posted action: the form's hidden field; else the `?source=` of our own page
 * that posted it (a page served from a shared cache without the field); else the referring site.
 */
export function actionSource(
  req: FastifyRequest,
  formValue: unknown,
  ownOrigin: string,
): string | null {
  const fromForm = normaliseSource(formValue);
  if (fromForm) return fromForm;
  const url = refererUrl(req.headers.referer);
  if (url?.origin === ownOrigin) return normaliseSource(url.searchParams.get('source'));
  return referrerSource(req.headers.referer, ownOrigin);
}

/**
 * A `source` in a query string or form: never a 400 (a repeated or odd value is simply ignored);
 * the handler normalises it with `normaliseSource`.
 */
export const sourceParam = z.unknown().optional();

/** The hidden field a form carries the page's source in. */
export function sourceField(source: string | null | undefined): SafeHtml {
  return html`<input type="hidden" name="source" value="${source ?? ''}" />`;
}

/**
 * A page kept in a cache is stored with an empty source field; each answer fills in its own
 * (the value is already `[a-z0-9._:-]`, so it needs no escaping).
 */
const EMPTY_SOURCE_FIELD = sourceField(null).toString();
export function fillSourceField(page: string, source: string | null): string {
  if (!source) return page;
  return page.replace(EMPTY_SOURCE_FIELD, sourceField(source).toString());
}

/** A kind of action a feature records with its source (signature, letter, RSVP…). */
export interface ActionSourceCounts {
  kind: string;
  /** Plural label for reports, e.g. "Signatures". */
  label: string;
  /** Actions whose source is `sourcePrefix` or starts with `sourcePrefix-`, since a time. */
  countBySourcePrefix(
    ctx: ActionSourceContext,
    input: { sourcePrefix: string; since?: string },
  ): Promise<number>;
  /** Actions per exact source since a time (null sources left out), most first. */
  topSources(
    ctx: ActionSourceContext,
    input: { since?: string; limit: number },
  ): Promise<{ source: string; n: number }[]>;
}

export type ActionSourceContext = Pick<ServiceContext, 'db' | 'trx'>;

/**
 * `column` is `prefix` or starts with `prefix-` ("mailing-7" counts "mailing-7-b", never
 * "mailing-70"). substr rather than LIKE: the same on both dialects, no escaping of `_`.
 */
export function sourceMatches(column: string, prefix: string): RawBuilder<boolean> {
  const ref = sql.ref(column);
  const dashed = `${prefix}-`;
  return sql<boolean>`(${ref} = ${prefix} or substr(${ref}, 1, ${dashed.length}) = ${dashed})`;
}

/**
 * The `ActionSourceCounts` of a feature whose action rows carry `source` and `created_at`: the
 * feature names its table and which of its rows count (signatures: not invalidated), and every
 * kind of action is counted the same way.
 */
export function actionSourcesOf(action: {
  kind: string;
  label: string;
  table: string;
  counts?: RawBuilder<boolean>;
}): ActionSourceCounts {
  const from = sql.table(action.table);
  const counted = action.counts ?? sql<boolean>`1 = 1`;
  const since = (at: string | undefined) => (at ? sql`and created_at >= ${at}` : sql``);
  return {
    kind: action.kind,
    label: action.label,
    async countBySourcePrefix(ctx, input) {
      const { rows } = await sql<{ n: number | string }>`
        select count(*) as n from ${from}
        where ${counted} and ${sourceMatches('source', input.sourcePrefix)} ${since(input.since)}
      `.execute(queries(ctx));
      return Number(rows[0]?.n ?? 0);
    },
    async topSources(ctx, input) {
      const { rows } = await sql<{ source: string; n: number | string }>`
        select source, count(*) as n from ${from}
        where ${counted} and source is not null ${since(input.since)}
        group by source order by n desc, source limit ${input.limit}
      `.execute(queries(ctx));
      return rows.map((r) => ({ source: r.source, n: Number(r.n) }));
    },
  };
}

/** Every feature's action counts, in feature order (`Feature.actionSources`). */
export type ActionSourceRegistry = readonly ActionSourceCounts[];

/**
 * A page of several steps (postcode, then whom to write to, then the letter) links between its
 * steps without the source. When a step is opened from the same page that had `?source=`, this is
 * where to send it so the address keeps the source (a 303 to the same URL with it added); null when
 * nothing is to be kept.
 */
export function keepSourceRedirect(req: FastifyRequest, ownOrigin: string): string | null {
  if (req.method !== 'GET') return null;
  const query = req.query as Record<string, unknown> | null | undefined;
  if (query && query.source !== undefined) return null;
  const from = refererUrl(req.headers.referer);
  if (from?.origin !== ownOrigin) return null;
  const path = req.url.split('?')[0] ?? '';
  if (from.pathname !== path) return null;
  const source = normaliseSource(from.searchParams.get('source'));
  if (!source) return null;
  return `${req.url}${req.url.includes('?') ? '&' : '?'}source=${source}`;
}
