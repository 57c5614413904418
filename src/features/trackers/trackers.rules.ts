/** What an organiser may type into a tracker, and how each field is checked. */
import { parsePositiveId } from '../../infra/validation/ids.js';
import { isSlug, requiredText, slugOrTitle, tooLong } from '../../infra/validation/text-rules.js';

export const TITLE_MAX_LENGTH = 150;
export const SLUG_MAX_LENGTH = 60;
export const DESCRIPTION_MAX_LENGTH = 5_000;
export const STATUS_MAX_LENGTH = 40;
export const MAX_STATUSES = 12;
export const COUNT_NOUN_MAX_LENGTH = 40;
export const THRESHOLD_MAX = 100_000;
export const EVIDENCE_URL_MAX_LENGTH = 500;
export const NOTE_MAX_LENGTH = 1_000;
export const MAX_PARTIES = 30;
export const PARTY_MAX_LENGTH = 100;
/** A back-dated change may not claim to be older than this. */
export const EARLIEST_CHANGE = '2000-01-01T00:00:00.000Z';
/** Clocks differ a little: a change "from the future" within this margin is accepted as now. */
export const FUTURE_SKEW_MS = 5 * 60_000;

export const DEFAULT_STATUSES = ['nominated', 'pledged', 'undecided', 'declined', 'no reply'];
export const DEFAULT_COUNTING_STATUSES = ['nominated'];
export const DEFAULT_INITIAL_STATUS = 'no reply';
export const DEFAULT_COUNT_NOUN = 'nominations';

export type Errors = Record<string, string>;

/** The create/edit form as submitted: every field as text. */
export interface TrackerForm {
  title: string;
  slug: string;
  description: string;
  targetListId: string;
  parties: string[];
  /** One status per line. */
  statuses: string;
  /** Comma-separated. */
  countingStatuses: string;
  initialStatus: string;
  countNoun: string;
  threshold: string;
  letterSlug: string;
  stormSlug: string;
  published: boolean;
}

export interface TrackerFields {
  title: string;
  slug: string;
  description: string;
  targetListId: number;
  parties: string[];
  statuses: string[];
  countingStatuses: string[];
  initialStatus: string;
  countNoun: string;
  threshold: number;
  letterSlug: string | null;
  stormSlug: string | null;
  published: boolean;
}

/** Statuses compare without regard to case or surrounding spaces. */
export function statusKey(status: string): string {
  return status.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The tracker's own spelling of a status typed in any case, or undefined if it has none. */
export function canonicalStatus(statuses: readonly string[], typed: string): string | undefined {
  const key = statusKey(typed);
  return statuses.find((s) => statusKey(s) === key);
}

function optionalSlug(label: string, raw: string, errors: Errors, field: string): string | null {
  const value = raw.trim().toLowerCase();
  if (!value) return null;
  if (!isSlug(value, SLUG_MAX_LENGTH))
    errors[field] = `${label} must be a slug: lowercase letters, digits and hyphens.`;
  return value;
}

function parseStatuses(raw: string, errors: Errors): string[] {
  const statuses: string[] = [];
  for (const line of raw.split(/\r?\n/)) {
    const status = line.trim().replace(/\s+/g, ' ');
    if (!status) continue;
    if (status.length > STATUS_MAX_LENGTH) {
      errors.statuses = `Each status must be at most ${STATUS_MAX_LENGTH} characters ("${status.slice(0, 20)}…" is longer).`;
      continue;
    }
    if (status.includes(',')) {
      errors.statuses = `A status cannot contain a comma ("${status}").`;
      continue;
    }
    if (canonicalStatus(statuses, status)) {
      errors.statuses = `"${status}" is listed twice.`;
      continue;
    }
    statuses.push(status);
  }
  if (statuses.length < 2) errors.statuses ??= 'List at least two statuses, one per line.';
  else if (statuses.length > MAX_STATUSES)
    errors.statuses ??= `At most ${MAX_STATUSES} statuses (there are ${statuses.length}).`;
  return statuses;
}

export function validateTrackerForm(
  form: TrackerForm,
): { ok: true; value: TrackerFields } | { ok: false; errors: Errors } {
  const errors: Errors = {};
  const title = form.title.trim();
  const titleError = requiredText(
    title,
    'Give the tracker a title.',
    'The title',
    TITLE_MAX_LENGTH,
  );
  if (titleError) errors.title = titleError;
  const slug = slugOrTitle(form.slug, title, SLUG_MAX_LENGTH);
  if (!slug) errors.slug ??= 'Give the tracker a web address (slug).';
  else if (!isSlug(slug, SLUG_MAX_LENGTH))
    errors.slug = `The slug must be lowercase letters, digits and hyphens, at most ${SLUG_MAX_LENGTH} characters.`;
  const description = form.description.trim().replace(/\r\n/g, '\n');
  const descriptionError = tooLong('The description', description, DESCRIPTION_MAX_LENGTH);
  if (descriptionError) errors.description = descriptionError;

  const listId = Number(form.targetListId);
  if (parsePositiveId(form.targetListId.trim()) === null)
    errors.targetListId = 'Choose the target list the tracker covers.';

  const parties = [...new Set(form.parties.map((p) => p.trim()).filter(Boolean))];
  if (parties.length > MAX_PARTIES) errors.parties = `Choose at most ${MAX_PARTIES} parties.`;
  if (parties.some((p) => p.length > PARTY_MAX_LENGTH))
    errors.parties = `A party name is at most ${PARTY_MAX_LENGTH} characters.`;

  const statuses = parseStatuses(form.statuses, errors);
  const countingStatuses: string[] = [];
  for (const typed of form.countingStatuses.split(',')) {
    if (!typed.trim()) continue;
    const status = canonicalStatus(statuses, typed);
    if (!status) {
      errors.countingStatuses = `"${typed.trim()}" is not one of the statuses listed above.`;
      continue;
    }
    if (!countingStatuses.includes(status)) countingStatuses.push(status);
  }
  if (!countingStatuses.length)
    errors.countingStatuses ??= 'Name at least one status that counts toward the threshold.';
  else if (countingStatuses.length === statuses.length && !errors.statuses)
    errors.countingStatuses = 'At least one status must not count, or every target counts.';

  const initialStatus = canonicalStatus(statuses, form.initialStatus);
  if (!initialStatus)
    errors.initialStatus = 'The starting status must be one of the statuses listed above.';
  else if (countingStatuses.includes(initialStatus))
    errors.initialStatus = 'The starting status must be one that does not count.';

  const countNoun = form.countNoun.trim() || 'targets';
  const nounError = tooLong('What the count counts', countNoun, COUNT_NOUN_MAX_LENGTH);
  if (nounError) errors.countNoun = nounError;

  const thresholdText = form.threshold.trim();
  const threshold = Number(thresholdText);
  if (!/^\d{1,9}$/.test(thresholdText) || threshold < 1 || threshold > THRESHOLD_MAX)
    errors.threshold = `The threshold must be a whole number from 1 to ${THRESHOLD_MAX.toLocaleString('en-GB')}.`;

  const letterSlug = optionalSlug('The letter campaign', form.letterSlug, errors, 'letterSlug');
  const stormSlug = optionalSlug('The storm', form.stormSlug, errors, 'stormSlug');

  if (Object.keys(errors).length || !initialStatus) return { ok: false, errors };
  return {
    ok: true,
    value: {
      title,
      slug,
      description,
      targetListId: listId,
      parties,
      statuses,
      countingStatuses,
      initialStatus,
      countNoun,
      threshold,
      letterSlug,
      stormSlug,
      published: form.published,
    },
  };
}

/** An optional evidence link: http or https only, so the board never links to other schemes. */
export function parseEvidenceUrl(
  raw: string,
): { ok: true; value: string | null } | { ok: false; message: string } {
  const text = raw.trim();
  if (!text) return { ok: true, value: null };
  if (text.length > EVIDENCE_URL_MAX_LENGTH)
    return {
      ok: false,
      message: `The evidence link must be at most ${EVIDENCE_URL_MAX_LENGTH} characters.`,
    };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return {
      ok: false,
      message: `The evidence link must be a web address starting with https:// ("${text.slice(0, 60)}" is not).`,
    };
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname)
    return { ok: false, message: 'The evidence link must start with https:// or http://.' };
  return { ok: true, value: url.href };
}

/**
 * When a change happened, for back-dated entries: 2025-03-01, 2025-03-01 14:30, ISO-8601, or
 * the 01/03/2025 [14:30] that UK spreadsheets write. Times without a zone are UTC.
 */
export function parseChangedAt(
  raw: string,
  now: Date,
): { ok: true; value: string | null } | { ok: false; message: string } {
  const text = raw.trim();
  if (!text) return { ok: true, value: null };
  let iso: string | undefined;
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (uk) {
    const [, d, m, y, hh = '0', mm = '0', ss = '0'] = uk;
    iso = `${y}-${m?.padStart(2, '0')}-${d?.padStart(2, '0')}T${hh.padStart(2, '0')}:${mm}:${ss.padStart(2, '0')}Z`;
  } else if (/^\d{4}-\d{2}-\d{2}$/.test(text)) iso = `${text}T00:00:00Z`;
  else if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(text))
    iso = `${text.replace(' ', 'T')}Z`;
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(text))
    iso = text;
  const date = iso ? new Date(iso) : undefined;
  if (!date || Number.isNaN(date.getTime()) || !sameCalendarDate(iso ?? '', date))
    return {
      ok: false,
      message: `"${text.slice(0, 40)}" is not a date: write it like 2025-03-01 or 2025-03-01 14:30.`,
    };
  if (date.getTime() > now.getTime() + FUTURE_SKEW_MS)
    return { ok: false, message: `${text} is in the future.` };
  if (date.toISOString() < EARLIEST_CHANGE)
    return { ok: false, message: `${text} is before ${EARLIEST_CHANGE.slice(0, 4)}.` };
  return { ok: true, value: date.toISOString() };
}

/** new Date('2025-02-31') rolls over to 3 March; a typed date must exist as written. */
function sameCalendarDate(iso: string, date: Date): boolean {
  const typed = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z$/.exec(iso);
  if (!typed) return true;
  return date.toISOString().slice(0, 10) === `${typed[1]}-${typed[2]}-${typed[3]}`;
}

export interface StatusChangeInput {
  status: string;
  evidenceUrl: string;
  note: string;
  changedAt: string;
}

export interface StatusChange {
  status: string;
  evidenceUrl: string | null;
  note: string | null;
  /** null: now. */
  changedAt: string | null;
}

/** Checks one status change against the tracker's statuses; errors are keyed by field. */
export function validateStatusChange(
  statuses: readonly string[],
  input: StatusChangeInput,
  now: Date,
): { ok: true; value: StatusChange } | { ok: false; errors: Errors } {
  const errors: Errors = {};
  const status = canonicalStatus(statuses, input.status);
  if (!input.status.trim()) errors.status = 'Choose a status.';
  else if (!status)
    errors.status = `"${input.status.trim().slice(0, STATUS_MAX_LENGTH)}" is not a status of this tracker (it has: ${statuses.join(', ')}).`;
  const evidence = parseEvidenceUrl(input.evidenceUrl);
  if (!evidence.ok) errors.evidenceUrl = evidence.message;
  const note = input.note.trim();
  const noteError = tooLong('The note', note, NOTE_MAX_LENGTH);
  if (noteError) errors.note = noteError;
  const changedAt = parseChangedAt(input.changedAt, now);
  if (!changedAt.ok) errors.changedAt = changedAt.message;
  if (!status || !evidence.ok || !changedAt.ok || Object.keys(errors).length)
    return { ok: false, errors };
  return {
    ok: true,
    value: {
      status,
      evidenceUrl: evidence.value,
      note: note || null,
      changedAt: changedAt.value,
    },
  };
}
