import type { Db } from '../../infra/db/database.js';
import type { ConstituencyTables } from './constituencies.tables.js';
import { type NormalisedPostcode, normalisePostcode } from '../../infra/validation/postcode.js';

/** A constituency as stored: the directory hands out the rows it loaded, unchanged. */
export type Constituency = ConstituencyTables['constituencies'];

export interface ConstituencyCandidate {
  code: string;
  name: string;
  region: string;
  /** Share of the district's postcodes in this constituency, 0–1. */
  share: number;
}

export type PostcodeLookup =
  | { status: 'invalid'; message: string }
  | { status: 'unknown'; postcode: string; message: string }
  | {
      status: 'found';
      postcode: string;
      outcode: string;
      /** Largest share first. */
      candidates: ConstituencyCandidate[];
    };

export const INVALID_POSTCODE_MESSAGE =
  'That does not look like a UK postcode. Enter it like LS28 5AB (or just the first part, LS28).';

/** Makes "Ynys Môn", "ynys mon" and "YNYS MON" compare equal. */
export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Every constituency and postcode district held in memory, so a postcode lookup is a couple of
 * Map reads: petitions, letters and sign-up forms look postcodes up on every submission.
 */
export class ConstituencyDirectory {
  private readonly byCode = new Map<string, Constituency>();
  private readonly byOutcode = new Map<string, ConstituencyCandidate[]>();
  private readonly sorted: Constituency[];
  private readonly folded: { constituency: Constituency; name: string }[];
  private readonly regionList: string[];

  constructor(
    constituencies: Constituency[],
    districts: { outcode: string; code: string; share: number }[],
  ) {
    this.sorted = [...constituencies].sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
    for (const c of this.sorted) this.byCode.set(c.code, c);
    this.folded = this.sorted.map((c) => ({ constituency: c, name: foldForSearch(c.name) }));
    this.regionList = [...new Set(this.sorted.map((c) => c.region))].sort((a, b) =>
      a.localeCompare(b, 'en-GB'),
    );
    for (const d of districts) {
      const c = this.byCode.get(d.code);
      if (!c) continue;
      const list = this.byOutcode.get(d.outcode) ?? [];
      list.push({ code: c.code, name: c.name, region: c.region, share: d.share });
      this.byOutcode.set(d.outcode, list);
    }
    for (const list of this.byOutcode.values())
      list.sort((a, b) => b.share - a.share || a.name.localeCompare(b.name, 'en-GB'));
  }

  isLoaded(): boolean {
    return this.byCode.size > 0;
  }

  get(code: string): Constituency | undefined {
    return this.byCode.get(code.trim().toUpperCase());
  }

  /** Sorted by name. */
  all(): Constituency[] {
    return [...this.sorted];
  }

  /** Constituencies whose name contains q, ignoring case and accents; [] for an empty q. */
  search(q: string): Constituency[] {
    const needle = foldForSearch(q);
    if (!needle) return [];
    return this.folded.filter((f) => f.name.includes(needle)).map((f) => f.constituency);
  }

  regions(): string[] {
    return [...this.regionList];
  }

  lookupPostcode(input: string): PostcodeLookup {
    const postcode = normalisePostcode(input);
    if (!postcode) return { status: 'invalid', message: INVALID_POSTCODE_MESSAGE };
    return this.lookupNormalised(postcode);
  }

  private lookupNormalised(postcode: NormalisedPostcode): PostcodeLookup {
    const candidates = this.byOutcode.get(postcode.outcode);
    if (!candidates || candidates.length === 0) {
      return {
        status: 'unknown',
        postcode: postcode.formatted,
        message: `We could not find the postcode district ${postcode.outcode} in our constituency data. Check the postcode, or find your constituency by name.`,
      };
    }
    return {
      status: 'found',
      postcode: postcode.formatted,
      outcode: postcode.outcode,
      candidates: candidates.map((c) => ({ ...c })),
    };
  }
}

const cache = new WeakMap<Db, Promise<ConstituencyDirectory>>();

async function buildDirectory(db: Db): Promise<ConstituencyDirectory> {
  const [constituencies, districts] = await Promise.all([
    db.kysely
      .selectFrom('constituencies')
      .select(['code', 'name', 'region', 'country', 'county', 'type'])
      .execute(),
    db.kysely.selectFrom('postcode_districts').select(['outcode', 'code', 'share']).execute(),
  ]);
  return new ConstituencyDirectory(constituencies, districts);
}

/**
 * The directory for this database, built once and kept until the data is reloaded. An empty
 * directory is not kept, so a server started before `rally targets load uk-commons` sees the
 * data as soon as another process has loaded it.
 */
export async function getConstituencyDirectory(db: Db): Promise<ConstituencyDirectory> {
  let pending = cache.get(db);
  if (!pending) {
    pending = buildDirectory(db);
    cache.set(db, pending);
  }
  try {
    const directory = await pending;
    if (!directory.isLoaded() && cache.get(db) === pending) cache.delete(db);
    return directory;
  } catch (err) {
    if (cache.get(db) === pending) cache.delete(db);
    throw err;
  }
}

export function invalidateConstituencyDirectory(db: Db): void {
  cache.delete(db);
}
