/** What the letters routes accept in their addresses and forms (see infra/http/input.ts). */
import { z } from 'zod';
import { sourceParam } from '../../infra/http/attribution.js';
import { formText, pageQuery, positiveId } from '../../infra/http/input.js';
import type { CampaignForm, LetterForm } from './letters.rules.js';
import { LETTER_STATUSES } from './letters.tables.js';

/** Longest query value the campaign page reads (postcode, constituency, target, search). */
export const QUERY_MAX_LENGTH = 200;

/** The forms' checkboxes send "1" when ticked. */
const ticked = formText.transform((v) => v === '1');

const queryValue = (name: string) =>
  z.string(`Give one ${name}.`).max(QUERY_MAX_LENGTH, `The ${name} is too long.`).optional();

export const slugParams = z.object({ slug: z.string() });
export const confirmParams = z.object({ slug: z.string(), token: z.string() });
export const tokenParams = z.object({ token: z.string() });
export const letterIdParams = z.object({ letterId: positiveId });

export const campaignPageQuery = z.object({
  postcode: queryValue('postcode'),
  constituency: queryValue('constituency'),
  target: queryValue('target'),
  q: queryValue('q'),
  source: sourceParam,
});

export const letterFormBody = z.object({
  name: formText,
  email: formText,
  postcode: formText,
  address: formText,
  subject: formText,
  body: formText,
  targetId: formText,
  consent: ticked,
  followUp: ticked,
  source: sourceParam,
}) satisfies z.ZodType<LetterForm, unknown>;

/** "Did you have a reply?": a link in the mail may preselect the answer; anything else is none. */
export const followUpQuery = z.object({
  answer: z.enum(['yes', 'no']).optional().catch(undefined),
});
export const followUpBody = z.object({ answer: formText });

export const campaignFormBody = z.object({
  title: formText,
  slug: formText,
  targetListId: formText,
  brief: formText,
  points: formText,
  subject: formText,
  minOwnWords: formText,
  minOwnPercent: formText,
  reviewPolicy: formText,
  deliveryMode: formText,
  hourlyLimit: formText,
  followUp: ticked,
}) satisfies z.ZodType<CampaignForm, unknown>;

/** A campaign's letters: by status (anything else shows all), a page at a time. */
export const lettersListQuery = pageQuery.extend({
  status: z.enum(LETTER_STATUSES).optional().catch(undefined),
});

export const moderationBody = z.object({ decision: formText, note: formText });
export const noteBody = z.object({ note: formText });
