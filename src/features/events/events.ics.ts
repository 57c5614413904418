import { type EventAttributes, createEvents } from 'ics';

export interface IcsEvent {
  slug: string;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  venue: string | null;
  postcode: string | null;
  onlineUrl: string | null;
  status: string;
}

function attributes(e: IcsEvent, baseUrl: string): EventAttributes {
  const url = `${baseUrl}/events/${e.slug}`;
  const location = [e.venue, e.postcode].filter(Boolean).join(', ') || e.onlineUrl || undefined;
  return {
    uid: `event-${e.slug}@${new URL(baseUrl).hostname}`,
    start: Date.parse(e.startsAt),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: Date.parse(e.endsAt),
    endInputType: 'utc',
    endOutputType: 'utc',
    title: e.title,
    description: `${e.description}\n\n${url}`.trim(),
    ...(location ? { location } : {}),
    url,
    status: e.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
    productId: 'rally/events',
  };
}

/** An iCalendar document (RFC 5545) for one or more events. */
export function icsFor(events: IcsEvent[], baseUrl: string, calName?: string): string {
  if (events.length === 0) {
    // ics refuses an empty list; an empty calendar is still a valid feed.
    return [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:rally/events',
      ...(calName ? [`X-WR-CALNAME:${calName}`] : []),
      'END:VCALENDAR',
      '',
    ].join('\r\n');
  }
  const { error, value } = createEvents(
    events.map((e) => attributes(e, baseUrl)),
    calName ? { calName, productId: 'rally/events' } : { productId: 'rally/events' },
  );
  if (error || !value) throw error ?? new Error('ics produced nothing');
  return value;
}
