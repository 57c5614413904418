/** What the trackers routes accept in their addresses and forms (see infra/http/input.ts). */
import { z } from 'zod';
import { formList, formText, pageQuery, positiveId } from '../../infra/http/input.js';
import type { BoardFilters } from './board.service.js';
import type { StatusChangeInput, TrackerForm } from './trackers.rules.js';

/** Longest filter value (party, region, status) read from the query string. */
export const MAX_FILTER_LENGTH = 100;

const filterValue = (name: string) =>
  z
    .string(`Give one ${name}.`)
    .max(MAX_FILTER_LENGTH, `The ${name} is longer than ${MAX_FILTER_LENGTH} characters.`)
    .default('')
    .transform((v) => v.trim());

/** The board's filters, on the public page and the organisers' one. */
export const boardQuery = z.object({
  party: filterValue('party'),
  region: filterValue('region'),
  status: filterValue('status'),
}) satisfies z.ZodType<BoardFilters, unknown>;

export const historyQuery = pageQuery;

export const slugParams = z.object({ slug: z.string() });
export const targetParams = z.object({ id: positiveId, targetId: positiveId });

export const trackerFormBody = z.object({
  title: formText,
  slug: formText,
  description: formText,
  targetListId: formText,
  parties: formList,
  statuses: formText,
  countingStatuses: formText,
  initialStatus: formText,
  countNoun: formText,
  threshold: formText,
  letterSlug: formText,
  stormSlug: formText,
  /** The form's checkbox sends "1" when ticked. */
  published: formText.transform((v) => v === '1'),
}) satisfies z.ZodType<TrackerForm, unknown>;

export const statusChangeBody = z.object({
  status: formText,
  evidenceUrl: formText,
  note: formText,
  changedAt: formText,
  /** The page to return to (the filtered board); checked before it is followed. */
  back: formText,
}) satisfies z.ZodType<StatusChangeInput & { back: string }, unknown>;
