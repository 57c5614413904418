import type { ServiceContext } from '../../infra/service-context.js';
import { getEventLink, listEventLinks } from '../events/events.service.js';
import { getLetterCampaignLink, listLetterCampaignLinks } from '../letters/campaigns.service.js';
import { getPetitionLink, listPetitionLinks } from '../petitions/petitions.service.js';
import type { MergeFieldName, MergeValues } from './merge-fields.js';
import { withSource } from './mail-render.js';

type Ctx = Pick<ServiceContext, 'db' | 'trx'>;

/** A page a mailing can send people to through a merge field, carrying the mailing's source. */
export interface ActionLink {
  /** The mailing's field holding the chosen id (form and Mailing alike). */
  key: 'petitionId' | 'letterCampaignId' | 'eventId';
  field: MergeFieldName & `${string}_url`;
  noun: string;
  /** The site path of the chosen one, undefined when it no longer exists. */
  path(ctx: Ctx, id: number): Promise<string | undefined>;
  /** What the composer offers. */
  choices(ctx: Pick<ServiceContext, 'db' | 'trx' | 'clock'>): Promise<LinkChoice[]>;
}

export interface LinkChoice {
  id: number;
  label: string;
}

export const ACTION_LINKS: readonly ActionLink[] = [
  {
    key: 'petitionId',
    field: 'petition_url',
    noun: 'petition',
    path: async (ctx, id) => {
      const p = await getPetitionLink(ctx, id);
      return p && `/p/${p.slug}`;
    },
    choices: async (ctx) =>
      (await listPetitionLinks(ctx)).map((p) => ({ id: p.id, label: `${p.title} (${p.status})` })),
  },
  {
    key: 'letterCampaignId',
    field: 'letter_url',
    noun: 'letter campaign',
    path: async (ctx, id) => {
      const c = await getLetterCampaignLink(ctx, id);
      return c && `/letters/${c.slug}`;
    },
    choices: async (ctx) =>
      (await listLetterCampaignLinks(ctx)).map((c) => ({
        id: c.id,
        label: `${c.title} (${c.status})`,
      })),
  },
  {
    key: 'eventId',
    field: 'event_url',
    noun: 'event',
    path: async (ctx, id) => {
      const e = await getEventLink(ctx, id);
      return e && `/events/${e.slug}`;
    },
    choices: async (ctx) =>
      (await listEventLinks(ctx)).map((e) => ({
        id: e.id,
        label: `${e.title} (${e.starts_at.slice(0, 10)}${e.status === 'cancelled' ? ', cancelled' : ''})`,
      })),
  },
];

export type ActionPaths = Partial<Record<ActionLink['field'], string>>;

/** The site path of each page the mailing chose (looked up once per send run). */
export async function actionPaths(
  ctx: Ctx,
  mailing: Record<ActionLink['key'], number | null>,
): Promise<ActionPaths> {
  const paths: ActionPaths = {};
  for (const link of ACTION_LINKS) {
    const id = mailing[link.key];
    const path = id === null ? undefined : await link.path(ctx, id);
    // A page deleted since saving gives no value: the tag's fallback is used.
    if (path) paths[link.field] = path;
  }
  return paths;
}

/** The `*_url` merge values: each chosen page's address carrying the reader's source. */
export function actionLinkValues(paths: ActionPaths, baseUrl: string, source: string): MergeValues {
  const values: MergeValues = {};
  for (const [field, path] of Object.entries(paths) as [ActionLink['field'], string][])
    values[field] = withSource(`${baseUrl}${path}`, baseUrl, source);
  return values;
}
