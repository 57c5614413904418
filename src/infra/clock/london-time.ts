/**
 * Campaign times (storms, events, mailings) are typed and read in the campaign's time zone (UK time, with its clock changes)
 * and stored as UTC instants.
 */
export const CAMPAIGN_TIME_ZONE = 'Europe/London';

const wallClockFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: CAMPAIGN_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function wallClock(ms: number): WallClock & { second: number } {
  const parts: Record<string, number> = {};
  for (const p of wallClockFormat.formatToParts(new Date(ms)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** How far London's clock is ahead of UTC at this instant (0 or one hour). */
function offsetMs(ms: number): number {
  const w = wallClock(ms);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

export type LondonInput =
  { ok: true; iso: string } | { ok: false; reason: 'format' | 'nonexistent' };

/**
 * A `datetime-local` value ("2025-06-12T19:00") read as London time → the UTC instant. A time
 * skipped when the clocks go forward does not exist and is refused; in the repeated hour when they
 * go back, the first (summer-time) one is taken.
 */
export function londonInputToIso(value: string): LondonInput {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::00(?:\.0{1,3})?)?$/.exec(value.trim());
  if (!m) return { ok: false, reason: 'format' };
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59)
    return { ok: false, reason: 'format' };
  const naive = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(naive);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1)
    return { ok: false, reason: 'format' };
  // Try the offset in force an hour either side: near a clock change only one of them fits.
  for (const guess of [offsetMs(naive - 3_600_000), offsetMs(naive + 3_600_000)]) {
    const instant = naive - guess;
    const w = wallClock(instant);
    if (
      w.year === year &&
      w.month === month &&
      w.day === day &&
      w.hour === hour &&
      w.minute === minute
    )
      return { ok: true, iso: new Date(instant).toISOString() };
  }
  return { ok: false, reason: 'nonexistent' };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The UTC instant as a `datetime-local` value in London time. */
export function isoToLondonInput(iso: string): string {
  const w = wallClock(Date.parse(iso));
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: CAMPAIGN_TIME_ZONE,
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const timeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: CAMPAIGN_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const dayKeyFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: CAMPAIGN_TIME_ZONE,
  dateStyle: 'short',
});

/** e.g. "Thursday 12 June 2025 at 19:00" (London time). */
export function formatLondon(iso: string): string {
  return dateTimeFormat.format(new Date(iso));
}

/** e.g. "19:05" (London time). */
export function formatLondonTime(iso: string): string {
  return timeFormat.format(new Date(iso));
}

/** "Thursday 12 June 2025 at 19:00–20:00", or both full dates when it spans days. */
export function formatLondonRange(startIso: string, endIso: string): string {
  const sameDay = dayKeyFormat.format(new Date(startIso)) === dayKeyFormat.format(new Date(endIso));
  return sameDay
    ? `${formatLondon(startIso)}–${formatLondonTime(endIso)}`
    : `${formatLondon(startIso)} to ${formatLondon(endIso)}`;
}
