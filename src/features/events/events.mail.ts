import { formatLondonRange } from '../../infra/clock/london-time.js';
import type { OutgoingMail } from '../../infra/mail/mailer.js';
import { icsFor } from './events.ics.js';

interface MailEvent {
  slug: string;
  title: string;
  description: string;
  status: string;
  starts_at: string;
  ends_at: string;
  venue: string | null;
  postcode: string | null;
  online_url: string | null;
}
interface MailRsvp {
  email: string;
  name: string;
}

function where(e: MailEvent): string {
  return [e.venue, e.postcode].filter(Boolean).join(', ') || e.online_url || '';
}

function about(e: MailEvent, baseUrl: string): string {
  return [
    `${e.title}`,
    `When: ${formatLondonRange(e.starts_at, e.ends_at)} (UK time)`,
    `Where: ${where(e)}`,
    `Details: ${baseUrl}/events/${e.slug}`,
    `Calendar file: ${baseUrl}/events/${e.slug}.ics`,
  ].join('\n');
}

/** The event as an iCalendar file, for the confirmation. */
function icsOf(e: MailEvent, baseUrl: string): string {
  return icsFor(
    [
      {
        slug: e.slug,
        title: e.title,
        description: e.description,
        startsAt: e.starts_at,
        endsAt: e.ends_at,
        venue: e.venue,
        postcode: e.postcode,
        onlineUrl: e.online_url,
        status: e.status,
      },
    ],
    baseUrl,
  );
}

export function confirmRsvpMail(
  e: MailEvent,
  r: MailRsvp,
  baseUrl: string,
  confirmToken: string,
): OutgoingMail {
  return {
    to: r.email,
    subject: `Confirm your place: ${e.title}`,
    category: 'events.confirm',
    text: `Hello ${r.name},\n\nPlease confirm your place by opening this link:\n${baseUrl}/events/rsvp/confirm/${confirmToken}\n\n${about(e, baseUrl)}\n\nIf you did not sign up, ignore this email.`,
  };
}

export function placeMail(
  e: MailEvent,
  r: MailRsvp,
  baseUrl: string,
  manageToken: string,
  status: 'confirmed' | 'waiting' | 'promoted',
): OutgoingMail {
  const opening = {
    confirmed: 'Your place is confirmed. See you there!',
    waiting:
      'The event is full, so you are on the waiting list. We will email you if a place comes free.',
    promoted: 'Good news: a place came free and it is yours. See you there!',
  }[status];
  return {
    to: r.email,
    subject: status === 'waiting' ? `Waiting list: ${e.title}` : `You're going: ${e.title}`,
    category: `events.${status}`,
    // A place held (not a waiting-list spot) goes into the calendar.
    ...(status === 'waiting'
      ? {}
      : {
          attachments: [
            {
              filename: `${e.slug}.ics`,
              contentType: 'text/calendar; charset=utf-8',
              content: icsOf(e, baseUrl),
            },
          ],
        }),
    text: `Hello ${r.name},\n\n${opening}\n\n${about(e, baseUrl)}\n\nCan't make it? Cancel here so someone else can have your place:\n${baseUrl}/events/rsvp/manage/${manageToken}`,
  };
}

export function reminderMail(
  e: MailEvent,
  r: MailRsvp,
  baseUrl: string,
  which: '24h' | '2h',
): OutgoingMail {
  return {
    to: r.email,
    subject: `${which === '24h' ? 'Tomorrow' : 'In two hours'}: ${e.title}`,
    category: `events.reminder-${which}`,
    text: `Hello ${r.name},\n\nA reminder that you are going to:\n\n${about(e, baseUrl)}\n\nCan't make it after all? Use the cancel link in your confirmation email so someone else can come.`,
  };
}

export function eventCancelledMail(e: MailEvent, r: MailRsvp, baseUrl: string): OutgoingMail {
  return {
    to: r.email,
    subject: `Cancelled: ${e.title}`,
    category: 'events.cancelled',
    text: `Hello ${r.name},\n\nSorry: this event has been cancelled.\n\n${e.title}\nWas: ${formatLondonRange(e.starts_at, e.ends_at)} (UK time)\n\nOther events: ${baseUrl}/events`,
  };
}

export function inviteMail(
  e: MailEvent,
  from: string,
  to: string,
  baseUrl: string,
  shareCode: string,
): OutgoingMail {
  return {
    to,
    subject: `${from} invites you: ${e.title}`,
    category: 'events.invite',
    text: `Hello,\n\n${from} is going to this event and thought you might like to come too:\n\n${about(e, baseUrl)}\n\nSign up here: ${baseUrl}/events/${e.slug}?ref=${shareCode}\n\nYou received this because ${from} typed your address. We will not email you again unless you sign up.`,
  };
}
