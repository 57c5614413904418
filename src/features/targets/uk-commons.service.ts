import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { getConstituencyDirectory } from '../constituencies/constituency-directory.service.js';
import { UK_DATA_DIR, loadUkConstituencies } from '../constituencies/uk-data.service.js';
import {
  type ImportReport,
  type ImportRow,
  ensureTargetList,
  importTargets,
} from './targets.service.js';
import { normaliseTwitter } from './targets.rules.js';
import { matchKey } from '../../infra/validation/text-rules.js';
import type { ServiceContext } from '../../infra/service-context.js';

export const UK_COMMONS_SLUG = 'uk-commons';
export const UK_COMMONS_NAME = 'UK House of Commons';
const UK_COMMONS_DESCRIPTION =
  'Members of Parliament (2019 Parliament, as of late 2023) by constituency. Source: CampaignLab mp-twitter-bios, built from the UK Parliament Members API. Emails are not published in the source: add them here.';
/** data/uk/README.md describes this file. */
export const UK_MPS_FILE = 'campaignlab_mps_2023_twitter.csv';

/** "Ynys Môn", "Brighton, Kemptown" and "Hackney North & Stoke Newington" in one spelling. */
export function constituencyKey(name: string): string {
  return matchKey(name);
}

interface MpRecord {
  id: string;
  name: string;
  party: string;
  constituency: string;
  twitterUsername: string;
}

export interface UkCommonsLoad {
  constituencies: number;
  mps: number;
  report: ImportReport;
}

/**
 * Loads the constituencies, then creates or updates one target per MP in the uk-commons list,
 * matched by UK Parliament member id. Everything is checked before anything is written: an MP
 * whose constituency is unknown stops the load.
 */
export async function loadUkCommons(ctx: ServiceContext): Promise<UkCommonsLoad> {
  const text = await readFile(UK_DATA_DIR + UK_MPS_FILE, 'utf8');
  const mps = parse<MpRecord>(text, {
    columns: true,
    bom: true,
    skip_empty_lines: true,
    trim: true,
  });

  const loaded = await loadUkConstituencies(ctx.db);
  const directory = await getConstituencyDirectory(ctx.db);
  const byName = new Map(directory.all().map((c) => [constituencyKey(c.name), c]));

  const rows: ImportRow[] = [];
  const unknown: string[] = [];
  mps.forEach((mp, i) => {
    const constituency = byName.get(constituencyKey(mp.constituency ?? ''));
    if (!constituency || !mp.id || !mp.name) {
      unknown.push(`line ${i + 2}: ${mp.name} (${mp.constituency})`);
      return;
    }
    // A malformed handle in the source should not cost the MP their place on the list.
    const twitter = mp.twitterUsername ? normaliseTwitter(mp.twitterUsername) : undefined;
    rows.push({
      line: i + 2,
      input: {
        external_id: mp.id,
        name: mp.name,
        role: 'MP',
        party: mp.party,
        organisation: UK_COMMONS_NAME,
        division_type: 'constituency',
        division_code: constituency.code,
        division_name: constituency.name,
        twitter: twitter?.ok ? twitter.value : null,
      },
    });
  });
  if (unknown.length)
    throw new Error(
      `${UK_MPS_FILE}: ${unknown.length} MP(s) whose constituency is not among the ${loaded.constituencies} loaded: ${unknown.slice(0, 5).join('; ')}`,
    );

  const list = await ensureTargetList(ctx, {
    slug: UK_COMMONS_SLUG,
    name: UK_COMMONS_NAME,
    description: UK_COMMONS_DESCRIPTION,
  });
  const report = await importTargets(ctx, { listId: list.id, rows, source: UK_COMMONS_SLUG }, null);
  return { constituencies: loaded.constituencies, mps: rows.length, report };
}
