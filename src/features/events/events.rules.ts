import { londonInputToIso } from '../../infra/clock/london-time.js';
import { normalisePostcode } from '../../infra/validation/postcode.js';
import {
  firstErrorSetter,
  parseWebUrl,
  requiredText,
  tooLong,
} from '../../infra/validation/text-rules.js';

export const EVENT_TYPES = [
  'canvass',
  'phone_bank',
  'meeting',
  'hustings',
  'stall',
  'training',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export const EVENT_TYPE_LABELS: Record<EventType, string> = {
  canvass: 'Canvass',
  phone_bank: 'Phone bank',
  meeting: 'Meeting',
  hustings: 'Hustings',
  stall: 'Street stall',
  training: 'Training',
};
export const VISIBILITIES = ['public', 'unlisted'] as const;

export const TITLE_MAX = 120;
export const DESCRIPTION_MAX = 5_000;
export const VENUE_MAX = 200;
export const HOST_NAME_MAX = 100;
export const CAPACITY_MAX = 10_000;
/** An event lasts at most this long: a longer one is a typing mistake (a wrong month). */
export const MAX_DURATION_MS = 24 * 60 * 60 * 1000;
/** A recurring series makes at most this many occurrences. */
export const MAX_OCCURRENCES = 52;

/** The event form as typed (all text, lenient). */
export interface EventForm {
  type: string;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  venue: string;
  postcode: string;
  onlineUrl: string;
  capacity: string;
  waitingList: boolean;
  hostName: string;
  hostStaffId: string;
  visibility: string;
  /** Recurring: "weekly" and the last date (YYYY-MM-DD, UK), or empty for a one-off. */
  repeat: string;
  repeatUntil: string;
}

export interface EventValues {
  type: EventType;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  venue: string | null;
  postcode: string | null;
  outcode: string | null;
  onlineUrl: string | null;
  capacity: number | null;
  waitingList: boolean;
  hostName: string | null;
  hostStaffId: number | null;
  visibility: (typeof VISIBILITIES)[number];
  repeatUntil: string | null;
}

export type Checked =
  { ok: true; values: EventValues } | { ok: false; errors: Record<string, string> };

const TIME_PROBLEM = {
  format: 'Enter a date and time, like 2026-06-12 19:00 (UK time).',
  nonexistent: 'That time does not exist in the UK (the clocks go forward then).',
};

export function checkEventForm(f: EventForm): Checked {
  const errors: Record<string, string> = {};
  const set = firstErrorSetter(errors);
  const type = EVENT_TYPES.find((t) => t === f.type);
  if (!type) set('type', `Choose a type: ${EVENT_TYPES.join(', ')}.`);
  const title = f.title.trim();
  set('title', requiredText(title, 'Give the event a title.', 'The title', TITLE_MAX));
  const description = f.description.trim();
  set('description', tooLong('The description', description, DESCRIPTION_MAX));
  const start = londonInputToIso(f.startsAt);
  if (!start.ok) set('startsAt', TIME_PROBLEM[start.reason]);
  const end = londonInputToIso(f.endsAt);
  if (!end.ok) set('endsAt', TIME_PROBLEM[end.reason]);
  if (start.ok && end.ok) {
    const span = Date.parse(end.iso) - Date.parse(start.iso);
    if (span <= 0) set('endsAt', 'The event must end after it starts.');
    else if (span > MAX_DURATION_MS) set('endsAt', 'An event lasts at most 24 hours.');
  }
  const venue = f.venue.trim();
  set('venue', tooLong('The venue', venue, VENUE_MAX));
  let postcode: string | null = null;
  let outcode: string | null = null;
  if (f.postcode.trim()) {
    const p = normalisePostcode(f.postcode);
    if (!p) set('postcode', 'That does not look like a UK postcode (e.g. LS28 5AB).');
    else {
      postcode = p.formatted;
      outcode = p.outcode;
    }
  }
  let onlineUrl: string | null = null;
  if (f.onlineUrl.trim()) {
    const url = parseWebUrl(f.onlineUrl.trim());
    if (!url) set('onlineUrl', 'The online link must be a web address starting https://.');
    else onlineUrl = url.toString();
  }
  if (!postcode && !onlineUrl && !errors.postcode && !errors.onlineUrl)
    set('postcode', 'Give the venue postcode, or an online link for an online event.');
  let capacity: number | null = null;
  if (f.capacity.trim()) {
    const n = Number(f.capacity.trim());
    if (!/^-?\d+$/.test(f.capacity.trim()) || n < 1 || n > CAPACITY_MAX)
      set(
        'capacity',
        `Capacity is a whole number from 1 to ${CAPACITY_MAX}, or empty for no limit.`,
      );
    else capacity = n;
  }
  const hostName = f.hostName.trim();
  set('hostName', tooLong('The host name', hostName, HOST_NAME_MAX));
  let hostStaffId: number | null = null;
  if (f.hostStaffId.trim()) {
    if (!/^[1-9]\d{0,8}$/.test(f.hostStaffId.trim()))
      set('hostStaffId', 'Choose a host from the list.');
    else hostStaffId = Number(f.hostStaffId.trim());
  }
  const visibility = VISIBILITIES.find((v) => v === f.visibility);
  if (!visibility) set('visibility', 'Choose public or unlisted.');
  let repeatUntil: string | null = null;
  if (f.repeat === 'weekly') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(f.repeatUntil.trim()))
      set('repeatUntil', 'Give the last date of the series, like 2026-12-12.');
    else repeatUntil = f.repeatUntil.trim();
  } else if (f.repeat !== '' && f.repeat !== 'none') set('repeat', 'Choose weekly or no repeat.');
  if (Object.keys(errors).length > 0 || !type || !visibility || !start.ok || !end.ok)
    return { ok: false, errors };
  return {
    ok: true,
    values: {
      type,
      title,
      description,
      startsAt: start.iso,
      endsAt: end.iso,
      venue: venue || null,
      postcode,
      outcode,
      onlineUrl,
      capacity,
      waitingList: f.waitingList,
      hostName: hostName || null,
      hostStaffId,
      visibility,
      repeatUntil,
    },
  };
}

/**
 * Start times of a weekly series: the same UK wall-clock time each week (so 10:00 stays 10:00
 * across a clock change), up to and including the last date.
 */
export function weeklyStarts(
  firstStartIso: string,
  untilDate: string,
  londonInput: (iso: string) => string,
): string[] | string {
  const first = londonInput(firstStartIso); // "2026-06-06T10:00"
  const [datePart, timePart] = first.split('T') as [string, string];
  if (untilDate < datePart) return 'The last date of the series is before the first session.';
  const starts: string[] = [];
  const day = new Date(`${datePart}T00:00:00Z`);
  while (day.toISOString().slice(0, 10) <= untilDate) {
    const local = `${day.toISOString().slice(0, 10)}T${timePart}`;
    const iso = londonInputToIso(local);
    if (iso.ok) starts.push(iso.iso);
    if (starts.length > MAX_OCCURRENCES)
      return `A series has at most ${MAX_OCCURRENCES} sessions; choose an earlier last date.`;
    day.setUTCDate(day.getUTCDate() + 7);
  }
  return starts;
}
