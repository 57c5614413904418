/** What the comments routes accept in their addresses and forms (see infra/http/input.ts). */
import { z } from 'zod';
import { formList, formText, positiveId, strictPageNumber } from '../../infra/http/input.js';
import {
  COMMENT_MAX_LENGTH,
  DISPLAY_NAME_MAX_LENGTH,
  REPORT_NOTE_MAX_LENGTH,
  SANCTION_REASON_MAX_LENGTH,
} from './comments.limits.js';
import { QUEUE_TABS } from './comments.repository.js';
import { HONEYPOT_FIELD } from './comments.public.views.js';

/**
 * A text field cut to `max`: the service still says the text is too long, but a megabyte pasted
 * into a form is neither assessed by the guard nor echoed back whole.
 */
const clippedText = (max: number) => formText.transform((v) => v.slice(0, max));

/** The forms' checkboxes send "1" when ticked. */
const ticked = formText.transform((v) => v === '1');

/** A link's optional id (`?reply=`): one that names nothing is the same as none. */
const optionalId = positiveId.optional().catch(undefined);

export const threadParams = z.object({ threadId: positiveId });
export const commentParams = z.object({ threadId: positiveId, commentId: positiveId });
export const tokenParams = z.object({ token: z.string() });

export const threadIndexQuery = z.object({
  page: strictPageNumber('Pages of discussions are numbered 1, 2, 3…'),
});

export const threadPageQuery = z.object({
  page: strictPageNumber('Pages of comments are numbered 1, 2, 3…'),
  reply: optionalId,
});

export const commentFormBody = z.object({
  body: clippedText(COMMENT_MAX_LENGTH * 2),
  name: clippedText(DISPLAY_NAME_MAX_LENGTH * 4),
  email: clippedText(1000),
  consent: ticked,
  parent: clippedText(20),
  [HONEYPOT_FIELD]: formText,
});

export const forgetBody = z.object({ thread: optionalId });

export const editBody = z.object({ body: clippedText(COMMENT_MAX_LENGTH * 2) });

export const reportBody = z.object({
  reason: clippedText(50),
  note: clippedText(REPORT_NOTE_MAX_LENGTH * 2),
});

// ---- moderation ------------------------------------------------------------------------------

export const queueQuery = z.object({
  tab: z.enum(QUEUE_TABS, `must be one of ${QUEUE_TABS.join(', ')}`).default('held'),
  page: strictPageNumber('Pages are numbered 1, 2, 3…'),
});

export const listPageQuery = z.object({ page: strictPageNumber('Pages are numbered 1, 2, 3…') });

/**
 * The queue's form: ticked `ids` with a bulk `action`, or one row's own button (`one`,
 * "approve:12"), which wins. `tab` is where to return to.
 */
export const moderateBody = z.object({
  tab: formText,
  one: formText,
  action: formText,
  ids: formList,
});

export const sanctionBody = z.object({
  reason: clippedText(SANCTION_REASON_MAX_LENGTH * 2),
  until: clippedText(20),
  removeComments: ticked,
});

export const threadSettingsBody = z.object({ mode: formText, open: ticked });
