import { z } from 'zod';
import { TAG_MAX_LENGTH } from './person-input.js';

/** Longest search text accepted; longer is a pasted mistake, not a name or an address. */
export const SEARCH_MAX_LENGTH = 200;
export const PAGE_SIZE = 50;
/** Far beyond any real list (50 × 100 000 people); stops absurd OFFSETs. */
export const MAX_PAGE = 100_000;

export const CONSENT_FILTERS = ['granted', 'withdrawn', 'none'] as const;
export type ConsentFilter = (typeof CONSENT_FILTERS)[number];

/**
 * What narrows the supporter list. The same object is the GET query of /admin/people (so a view
 * is a link), the saved body of a segment, and what mailings resolve.
 */
export interface PeopleFilters {
  /** Substring of the name or email, case-insensitive. */
  q?: string;
  tag?: string;
  /** Constituency code. */
  constituency?: string;
  region?: string;
  /** Current email consent. */
  consent?: ConsentFilter;
  /** Has at least one activity of this kind (signed, letter…). */
  action?: string;
  /** Created on or after this day (YYYY-MM-DD, UTC). */
  createdFrom?: string;
  /** Created on or before this day (YYYY-MM-DD, UTC). */
  createdTo?: string;
}

export const FILTER_KEYS = [
  'q',
  'tag',
  'constituency',
  'region',
  'consent',
  'action',
  'createdFrom',
  'createdTo',
] as const satisfies readonly (keyof PeopleFilters)[];

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Dates must look like 2024-03-31.')
  // PostgreSQL has no year 0, and nobody joined a campaign before 1900.
  .refine((d) => d >= '1900', 'Dates must be from 1900 on.')
  // Date.parse rolls 2024-02-30 over to 1 March; a real date survives the round trip.
  .refine((d) => {
    const time = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(time) && new Date(time).toISOString().startsWith(d);
  }, 'That date does not exist.');

// Empty form fields arrive as "", which means "no filter".
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    schema.optional(),
  );

const text = (label: string, max: number) =>
  z.string().trim().max(max, `${label} can be at most ${max} characters.`);

export const FiltersSchema = z
  .object({
    q: optional(text('Search', SEARCH_MAX_LENGTH)),
    tag: optional(text('Tag', TAG_MAX_LENGTH)),
    constituency: optional(text('Constituency', 20)),
    region: optional(text('Region', 100)),
    consent: optional(z.enum(CONSENT_FILTERS, { error: 'Choose a consent option from the list.' })),
    action: optional(text('Action', 50)),
    createdFrom: optional(isoDay),
    createdTo: optional(isoDay),
  })
  .refine((f) => !f.createdFrom || !f.createdTo || f.createdFrom <= f.createdTo, {
    message: 'The "from" date must not be after the "to" date.',
  });

export type FiltersResult = { ok: true; filters: PeopleFilters } | { ok: false; message: string };

/** Reads filters from a query string or a stored segment; unknown keys are ignored. */
export function parseFilters(input: unknown): FiltersResult {
  const source = (typeof input === 'object' && input !== null ? input : {}) as Record<
    string,
    unknown
  >;
  const picked: Record<string, unknown> = {};
  for (const key of FILTER_KEYS) {
    const value = source[key];
    // A repeated query parameter arrives as an array: the last one wins, as in a form.
    picked[key] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  const parsed = FiltersSchema.safeParse(picked);
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? 'Invalid.' };
  const filters: PeopleFilters = {};
  for (const key of FILTER_KEYS) {
    const value = parsed.data[key];
    if (value !== undefined) (filters as Record<string, string>)[key] = value;
  }
  return { ok: true, filters };
}

export function hasFilters(filters: PeopleFilters): boolean {
  return FILTER_KEYS.some((k) => filters[k] !== undefined);
}

/** The filters as a query string (without "?"), stable key order, for links and segment URLs. */
export function filtersToQuery(filters: PeopleFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value !== undefined) params.set(key, value);
  }
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}
