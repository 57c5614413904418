/** What the petitions routes accept in their addresses and forms (see infra/http/input.ts). */
import { z } from 'zod';
import { sourceParam } from '../../infra/http/attribution.js';
import { formList, formText, strictPageNumber } from '../../infra/http/input.js';
import { HONEYPOT_FIELD } from './petitions.public.views.js';
import type { PetitionForm } from './petitions.rules.js';

export const slugParams = z.object({ slug: z.string() });
export const confirmParams = z.object({ slug: z.string(), token: z.string() });

/** `?page=N` of the index and the printed delivery pages: a bad number is a 400. */
export const strictPageQuery = z.object({ page: strictPageNumber() });

export const petitionFormBody = z.object({
  kind: formText,
  title: formText,
  slug: formText,
  body: formText,
  goal: formText,
  deadline: formText,
  customQuestion: formText,
  eligibility: formText,
  eligibilityLabel: formText,
  thankYou: formText,
  shareText: formText,
  targetListId: formText,
  targetIds: formList,
}) satisfies z.ZodType<PetitionForm, unknown>;

export const invalidateBody = z.object({ ip: formText, domain: formText });

/** The sign form's checkboxes send "1" when ticked. */
const ticked = formText.transform((v) => v === '1');

/** The public sign form; lengths are the rules' to judge (and the body limit's). */
export const signBody = z.object({
  ft: formText,
  name: formText,
  email: formText,
  postcode: formText,
  answer: formText,
  membershipNumber: formText,
  consent: ticked,
  showName: ticked,
  source: sourceParam,
  // Bots fill every field; people never see this one (browsers send it empty).
  [HONEYPOT_FIELD]: formText,
});

export const confirmBody = z.object({ ft: formText });

/** `?source=mailing-7` on a petition page: odd values are ignored, never a 400. */
export const sourceQuery = z.object({ source: sourceParam });
