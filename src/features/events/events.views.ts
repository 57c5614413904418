import { campaignMarkdown } from '../../infra/html/markdown.js';
import {
  formatLondon,
  formatLondonRange,
  isoToLondonInput,
} from '../../infra/clock/london-time.js';
import { sourceField } from '../../infra/http/attribution.js';
import {
  checkboxField,
  errorSummary,
  postcodeField,
  selectField,
  textAreaField,
  textField,
} from '../../infra/html/form-controls.js';
import { type SafeHtml, csrfField, html, raw } from '../../infra/html/html.js';
import { dataTable } from '../../infra/html/tables.js';
import { newCaseHref } from '../cases/cases.service.js';
import type { EventSummary } from './events.service.js';
import {
  EVENT_TYPES,
  EVENT_TYPE_LABELS,
  type EventForm,
  type EventType,
  CAPACITY_MAX,
  DESCRIPTION_MAX,
  TITLE_MAX,
} from './events.rules.js';
import type { Attendee } from './rsvp.service.js';
import type { LiftBoard, LiftCandidate } from './carshare.service.js';
import type { FriendReport, FriendSummaryRow } from './friends.service.js';

/** Paragraphs, emphasis, lists, headings, quotes and links; any HTML in the source stays text. */
const md = campaignMarkdown();
export function eventMarkdown(source: string): SafeHtml {
  return raw(md.render(source));
}

export function typeLabel(type: string): string {
  const t = EVENT_TYPES.find((x) => x === type);
  return t ? EVENT_TYPE_LABELS[t] : type;
}

export const typeOptions = EVENT_TYPES.map((t: EventType) => ({
  value: t,
  label: EVENT_TYPE_LABELS[t],
}));

export function where(e: Pick<EventSummary, 'venue' | 'postcode' | 'onlineUrl'>): string {
  return [e.venue, e.postcode].filter(Boolean).join(', ') || (e.onlineUrl ? 'Online' : '');
}

export function placesText(e: EventSummary): string {
  if (e.status === 'cancelled') return 'Cancelled';
  if (e.spacesLeft === null) return `${e.confirmed} going`;
  if (e.spacesLeft > 0) return `${e.spacesLeft} of ${e.capacity} places left`;
  return e.waitingList ? `Full: ${e.waiting} on the waiting list` : 'Full';
}

export function eventCard(e: EventSummary, extra?: string): SafeHtml {
  return html`<li class="event-card" data-slug="${e.slug}">
    <h2><a href="/events/${e.slug}">${e.title}</a></h2>
    <p>${typeLabel(e.type)} · ${formatLondonRange(e.startsAt, e.endsAt)}</p>
    <p>${where(e)}${e.seatName ? html` · ${e.seatName}` : ''}${extra ? html` · ${extra}` : ''}</p>
    <p>${placesText(e)}</p>
  </li>`;
}

export interface ListFilters {
  type: string;
  seat: string;
  postcode: string;
  within: string;
  from: string;
}

export function eventsListPage(
  events: { event: EventSummary; distanceKm?: number }[],
  f: ListFilters,
  seats: { value: string; label: string }[],
  problem?: string,
): SafeHtml {
  return html`<section class="events">
    <h1>Events and canvassing sessions</h1>
    <form method="get" action="/events" class="filters">
      ${selectField({ id: 'type', name: 'type', label: 'Type', value: f.type, emptyOption: 'Any type', options: typeOptions })}
      ${selectField({ id: 'seat', name: 'seat', label: 'Seat', value: f.seat, emptyOption: 'Any seat', options: seats })}
      ${textField({ id: 'postcode', name: 'postcode', label: 'Near postcode', value: f.postcode, maxLength: 16, autocomplete: 'postal-code' })}
      ${selectField({ id: 'within', name: 'within', label: 'Within', value: f.within, options: ['5', '10', '25', '50'].map((k) => ({ value: k, label: `${k} km` })) })}
      ${textField({ id: 'from', name: 'from', label: 'From date', type: 'date', value: f.from })}
      <button type="submit">Filter</button>
    </form>
    ${problem ? html`<p class="flash flash-error" role="alert">${problem}</p>` : ''}
    ${
      events.length === 0
        ? html`<p class="empty">
            No events match. Try fewer filters, or
            <a href="/nearest-marginal">find where you are needed</a>.
          </p>`
        : html`<ul class="event-list">
            ${events.map((x) => eventCard(x.event, x.distanceKm === undefined ? undefined : `${x.distanceKm.toFixed(1)} km away`))}
          </ul>`
    }
    <p><a href="/events.json">Open data (JSON)</a></p>
  </section>`;
}

export interface RsvpFormState {
  name: string;
  email: string;
  postcode: string;
  phone: string;
  consent: boolean;
  ref: string;
  /** Attribution carried through the form (infra/http/attribution.ts). */
  source?: string | null;
}

export function eventPage(
  e: EventSummary,
  o: {
    csrf: string;
    open: string | undefined;
    form: RsvpFormState;
    errors?: Record<string, string>;
    problem?: string;
  },
): SafeHtml {
  const errors = o.errors ?? {};
  return html`<article class="event">
    <h1>${e.title}</h1>
    <p>
      ${typeLabel(e.type)}${e.status === 'cancelled' ? html` · <strong>Cancelled</strong>` : ''}
    </p>
    <dl>
      <dt>When</dt>
      <dd>${formatLondonRange(e.startsAt, e.endsAt)} (UK time)</dd>
      <dt>Where</dt>
      <dd>
        ${where(e)}${e.onlineUrl ? html` <a href="${e.onlineUrl}" rel="nofollow noopener">${e.onlineUrl}</a>` : ''}
      </dd>
      ${
        e.seatName
          ? html`<dt>Seat</dt>
              <dd><a href="/constituencies/${e.seatCode}">${e.seatName}</a></dd>`
          : ''
      }
      ${
        e.hostName
          ? html`<dt>Host</dt>
              <dd>${e.hostName}</dd>`
          : ''
      }
      <dt>Places</dt>
      <dd>${placesText(e)}</dd>
    </dl>
    <div class="description">${eventMarkdown(e.description)}</div>
    <p><a href="/events/${e.slug}.ics">Add to calendar (.ics)</a></p>
    ${
      o.open
        ? html`<p class="notice">${o.open}</p>`
        : html`<h2 id="rsvp">${e.spacesLeft === 0 ? 'Join the waiting list' : 'Sign up'}</h2>
            ${o.problem ? html`<p class="flash flash-error" role="alert">${o.problem}</p>` : ''}
            ${errorSummary(errors)}
            <form method="post" action="/events/${e.slug}/rsvp" class="rsvp-form">
              ${csrfField(o.csrf)}
              <input type="hidden" name="ref" value="${o.form.ref}" />
              ${sourceField(o.form.source)}
              ${textField({ id: 'name', name: 'name', label: 'Your name', value: o.form.name, required: true, autocomplete: 'name', maxLength: 100, error: errors.name })}
              ${textField({ id: 'email', name: 'email', label: 'Email', type: 'email', value: o.form.email, required: true, autocomplete: 'email', error: errors.email })}
              ${postcodeField({ id: 'rsvp-postcode', value: o.form.postcode, error: errors.postcode })}
              ${textField({ id: 'phone', name: 'phone', label: 'Phone (optional)', type: 'tel', value: o.form.phone, autocomplete: 'tel', maxLength: 30, error: errors.phone })}
              ${checkboxField({ id: 'consent', name: 'consent', label: 'Email me about other events and campaign news. I can unsubscribe at any time.', checked: o.form.consent })}
              <button type="submit">
                ${e.spacesLeft === 0 ? 'Join the waiting list' : 'Sign up'}
              </button>
            </form>
            <p class="note">
              We will email you a link to confirm. Nothing is booked until you press it.
            </p>`
    }
  </article>`;
}

/** After the confirmation: the share link that credits them, and a one-off invite by email. */
export function bringAFriend(o: {
  slug: string;
  baseUrl: string;
  shareCode: string;
  manageToken: string;
  csrf: string;
}): SafeHtml {
  const link = `${o.baseUrl}/events/${o.slug}?ref=${o.shareCode}`;
  return html`<section class="bring-a-friend">
    <h2>Bring a friend</h2>
    <p>People who come with a friend are more likely to come at all. Share this link:</p>
    <p><input readonly value="${link}" aria-label="Your share link" class="share-link" /></p>
    <form method="post" action="/events/rsvp/manage/${o.manageToken}/invite">
      ${csrfField(o.csrf)}
      ${textField({ id: 'friend', name: 'friend', label: 'Or email a friend: we send them one invitation', type: 'email' })}
      <button type="submit">Send the invitation</button>
    </form>
  </section>`;
}

export function eventForm(o: {
  action: string;
  form: EventForm;
  errors: Record<string, string>;
  csrf: string;
  hosts: { value: number; label: string }[];
  series: boolean;
}): SafeHtml {
  const f = o.form;
  const e = o.errors;
  return html`${errorSummary(e)}
    <form method="post" action="${o.action}" class="event-form">
      ${csrfField(o.csrf)}
      ${selectField({ id: 'type', name: 'type', label: 'Type', value: f.type, options: typeOptions, error: e.type })}
      ${textField({ id: 'title', name: 'title', label: 'Title', value: f.title, maxLength: TITLE_MAX, required: true, error: e.title })}
      ${textAreaField({ id: 'description', name: 'description', label: 'Description (Markdown)', value: f.description, rows: 6, maxLength: DESCRIPTION_MAX, error: e.description })}
      ${textField({ id: 'startsAt', name: 'startsAt', label: 'Starts (UK time)', type: 'datetime-local', value: f.startsAt, required: true, error: e.startsAt })}
      ${textField({ id: 'endsAt', name: 'endsAt', label: 'Ends (UK time)', type: 'datetime-local', value: f.endsAt, required: true, error: e.endsAt })}
      ${textField({ id: 'venue', name: 'venue', label: 'Venue', value: f.venue, error: e.venue })}
      ${textField({ id: 'postcode', name: 'postcode', label: 'Venue postcode (sets the seat)', value: f.postcode, maxLength: 16, error: e.postcode })}
      ${textField({ id: 'onlineUrl', name: 'onlineUrl', label: 'Online link (instead of a venue)', type: 'url', value: f.onlineUrl, error: e.onlineUrl })}
      ${textField({ id: 'capacity', name: 'capacity', label: 'Capacity (empty: no limit)', type: 'number', min: 1, max: CAPACITY_MAX, value: f.capacity, error: e.capacity })}
      ${checkboxField({ id: 'waitingList', name: 'waitingList', label: 'Keep a waiting list when full', checked: f.waitingList })}
      ${selectField({ id: 'hostStaffId', name: 'hostStaffId', label: 'Host (staff)', value: f.hostStaffId, emptyOption: 'Nobody on staff', options: o.hosts, error: e.hostStaffId })}
      ${textField({ id: 'hostName', name: 'hostName', label: 'Or a volunteer host, by name', value: f.hostName, error: e.hostName })}
      ${selectField({
        id: 'visibility',
        name: 'visibility',
        label: 'Visibility',
        value: f.visibility,
        options: [
          { value: 'public', label: 'Public (listed)' },
          { value: 'unlisted', label: 'Unlisted (by link only)' },
        ],
        error: e.visibility,
      })}
      ${
        o.series
          ? html`${selectField({
              id: 'repeat',
              name: 'repeat',
              label: 'Repeat',
              value: f.repeat,
              options: [
                { value: '', label: 'Does not repeat' },
                { value: 'weekly', label: 'Every week' },
              ],
              error: e.repeat,
            })}
            ${textField({ id: 'repeatUntil', name: 'repeatUntil', label: 'Until (last date)', type: 'date', value: f.repeatUntil, error: e.repeatUntil })}`
          : ''
      }
      <button type="submit">Save</button>
    </form>`;
}

export function formOf(e: EventSummary & { hostStaffId?: number | null }): EventForm {
  return {
    type: e.type,
    title: e.title,
    description: e.description,
    startsAt: isoToLondonInput(e.startsAt),
    endsAt: isoToLondonInput(e.endsAt),
    venue: e.venue ?? '',
    postcode: e.postcode ?? '',
    onlineUrl: e.onlineUrl ?? '',
    capacity: e.capacity === null ? '' : String(e.capacity),
    waitingList: e.waitingList,
    hostName: e.hostName ?? '',
    hostStaffId: e.hostStaffId ? String(e.hostStaffId) : '',
    visibility: e.visibility,
    repeat: '',
    repeatUntil: '',
  };
}

/** The host's page on a phone: one big button per person, no script needed. */
export function hostPage(
  e: EventSummary,
  attendees: Attendee[],
  o: {
    csrf: string;
    now: number;
    canEdit: boolean;
    walkInErrors?: Record<string, string>;
    friends: FriendReport;
    /** The other occurrences of its series, each edited or cancelled on its own page. */
    series: EventSummary[];
  },
): SafeHtml {
  const active = attendees.filter((a) => a.status === 'confirmed');
  const present = active.filter((a) => a.checkedInAt !== null).length;
  const over = Date.parse(e.endsAt) < o.now;
  const waiting = attendees.filter((a) => a.status === 'waiting');
  const errors = o.walkInErrors ?? {};
  const noShows = active.length - present;
  const counts = [
    `${active.length} going`,
    `${present} checked in`,
    `${waiting.length} waiting`,
    ...(over ? [`${noShows} no-show${noShows === 1 ? '' : 's'}`] : []),
  ].join(' · ');
  return html`<p>
      ${formatLondonRange(e.startsAt, e.endsAt)} ·
      ${where(e)}${e.seatName ? ` · ${e.seatName}` : ''} ·
      <a href="/events/${e.slug}">public page</a>
      ${e.status === 'cancelled' ? html` · <strong>Cancelled</strong>` : ''}
    </p>
    <p class="counts" data-testid="counts">${counts}</p>
    ${
      o.series.length > 0
        ? html`<details class="series">
            <summary>Other sessions in this series (${o.series.length})</summary>
            <ul>
              ${o.series.map(
                (s) =>
                  html`<li>
                    <a href="/admin/events/${s.id}">${formatLondonRange(s.startsAt, s.endsAt)}</a>
                    ${s.status === 'cancelled' ? ' (cancelled)' : ''}
                  </li>`,
              )}
            </ul>
          </details>`
        : ''
    }
    ${dataTable({
      caption: 'Attendees',
      className: 'attendees',
      empty: 'Nobody has signed up yet.',
      rows: attendees.filter((a) => a.status !== 'cancelled' && a.status !== 'pending'),
      columns: [
        {
          label: 'Name',
          rowHeader: true,
          cell: (a) =>
            html`${a.name}${a.walkIn ? ' (walk-in)' : ''}${a.referredBy ? ' (brought by a friend)' : ''}`,
        },
        {
          label: 'Status',
          cell: (a) => (a.status === 'waiting' ? 'Waiting list' : a.checkedInAt ? 'Here' : 'Going'),
        },
        { label: 'Phone', cell: (a) => a.phone ?? '' },
        {
          label: 'Check in',
          cell: (a) =>
            a.status === 'confirmed' && !a.checkedInAt
              ? html`<form
                  method="post"
                  action="/admin/events/${e.id}/check-in"
                  class="inline-form"
                >
                  ${csrfField(o.csrf)}<input type="hidden" name="rsvpId" value="${a.id}" />
                  <button type="submit" class="check-in" aria-label="Check in ${a.name}">
                    Check in
                  </button>
                </form>`
              : '',
        },
        {
          label: 'Conduct',
          cell: (a) =>
            a.checkedInAt
              ? html`<a href="${newCaseHref({ source: 'event_checkin', ref: a.id })}"
                  >Open a conduct case</a
                >`
              : '',
        },
      ],
    })}
    <h2>Walk-in</h2>
    ${errorSummary(errors)}
    <form method="post" action="/admin/events/${e.id}/walk-in" class="walk-in">
      ${csrfField(o.csrf)}
      ${textField({ id: 'w-name', name: 'name', label: 'Name', required: true, error: errors.name })}
      ${textField({ id: 'w-email', name: 'email', label: 'Email (optional)', type: 'email', error: errors.email })}
      ${textField({ id: 'w-postcode', name: 'postcode', label: 'Postcode (optional)', error: errors.postcode })}
      ${textField({ id: 'w-phone', name: 'phone', label: 'Phone (optional)', type: 'tel', error: errors.phone })}
      <button type="submit">Add and check in</button>
    </form>
    ${friendsSection(o.friends)}
    ${
      o.canEdit && e.status !== 'cancelled'
        ? html`<h2>Organiser</h2>
            <p>
              <a href="/admin/events/${e.id}/edit"
                >Edit this ${e.seriesId ? 'session (only this one)' : 'event'}</a
              >
            </p>
            <form method="post" action="/admin/events/${e.id}/cancel">
              ${csrfField(o.csrf)}
              <button type="submit" class="danger">
                Cancel this ${e.seriesId ? 'session' : 'event'} and email everyone
              </button>
            </form>`
        : ''
    }`;
}

/** Car share on the person's own page: others appear by district and seats only until both agree. */
export function carShareSection(b: LiftBoard, token: string, csrf: string): SafeHtml {
  const describe = (c: LiftCandidate) =>
    `${c.kind === 'offer' ? `A driver with ${c.seats} seat${c.seats === 1 ? '' : 's'}` : `Someone needing ${c.seats} seat${c.seats === 1 ? '' : 's'}`}${c.fromOutcode ? ` from ${c.fromOutcode}` : ''}${c.note ? `: ${c.note}` : ''}`;
  return html`<section class="car-share" aria-labelledby="car-share">
    <h2 id="car-share">Car share</h2>
    ${
      b.mine.length
        ? html`<p>
            You
            ${b.mine.map((m) => (m.kind === 'offer' ? `offer ${m.seats} seat(s)` : `need ${m.seats} seat(s)`)).join(' and ')}.
          </p>`
        : html`<p>
            Offer a lift or ask for one. Nobody sees your name or contact details until you both
            agree.
          </p>`
    }
    <form method="post" action="/events/rsvp/manage/${token}/lift" class="lift-form">
      ${csrfField(csrf)}
      ${selectField({
        id: 'lift-kind',
        name: 'kind',
        label: 'I can',
        options: [
          { value: 'offer', label: 'offer a lift' },
          { value: 'request', label: 'use a lift' },
        ],
      })}
      ${textField({ id: 'lift-seats', name: 'seats', label: 'Seats', type: 'number', min: 1, max: 8, value: '1' })}
      ${textField({ id: 'lift-note', name: 'note', label: 'Note (optional, e.g. leaving 9:30)', maxLength: 200 })}
      <button type="submit">Save</button>
    </form>
    ${
      b.matches.length
        ? html`<h3>Your lift matches</h3>
            <ul class="lift-matches">
              ${b.matches.map(
                (m) =>
                  html`<li>
                    ${describe(m.other)}.
                    ${
                      m.contact
                        ? html`<strong>Agreed.</strong> Contact ${m.contact.name}:
                            <a href="mailto:${m.contact.email}">${m.contact.email}</a
                            >${m.contact.phone ? `, ${m.contact.phone}` : ''}`
                        : m.iConfirmed
                          ? html`Waiting for them to agree.`
                          : html`They would like to share.
                              <form
                                method="post"
                                action="/events/rsvp/manage/${token}/lift/${m.other.liftId}/agree"
                                class="inline-form"
                              >
                                ${csrfField(csrf)}<button type="submit">Agree</button>
                              </form>`
                    }
                  </li>`,
              )}
            </ul>`
        : ''
    }
    ${
      b.candidates.length
        ? html`<h3>People you could share with</h3>
            <ul class="lift-candidates">
              ${b.candidates.map(
                (c) =>
                  html`<li>
                    ${describe(c)}
                    <form
                      method="post"
                      action="/events/rsvp/manage/${token}/lift/${c.liftId}/agree"
                      class="inline-form"
                    >
                      ${csrfField(csrf)}<button type="submit">Ask to share</button>
                    </form>
                  </li>`,
              )}
            </ul>`
        : b.mine.length && !b.matches.length
          ? html`<p class="empty">Nobody to match with yet for this session.</p>`
          : ''
    }
  </section>`;
}

const FRIEND_STATUS: Record<string, string> = {
  pending: 'not confirmed yet',
  confirmed: 'going',
  waiting: 'waiting list',
  cancelled: 'cancelled',
};

/** Who invited whom: each inviter with the invitations they emailed and the friends credited. */
export function friendsSection(r: FriendReport): SafeHtml {
  return html`<section id="bring-a-friend" aria-labelledby="friends-heading">
    <h2 id="friends-heading">Bring a friend</h2>
    <p data-testid="friend-totals">
      ${r.invitationsSent} invitation${r.invitationsSent === 1 ? '' : 's'} emailed · ${r.signUps}
      friend${r.signUps === 1 ? '' : 's'} signed up · ${r.attended} came
    </p>
    ${dataTable({
      caption: 'Sign-ups credited to each inviter',
      className: 'friends',
      empty: 'Nobody has invited a friend to this event yet.',
      rows: r.inviters,
      columns: [
        { label: 'Inviter', rowHeader: true, cell: (l) => l.name },
        { label: 'Invitations emailed', numeric: true, cell: (l) => l.invitationsSent },
        {
          label: 'Friends signed up',
          numeric: true,
          cell: (l) =>
            l.friends.filter((f) => f.status === 'confirmed' || f.status === 'waiting').length,
        },
        {
          label: 'Who',
          cell: (l) =>
            l.friends.length === 0
              ? 'Nobody yet'
              : html`<ul class="plain">
                  ${l.friends.map(
                    (f) =>
                      html`<li>
                        ${f.name}
                        (${FRIEND_STATUS[f.status] ?? f.status}${f.attended ? ', came' : ''})
                      </li>`,
                  )}
                </ul>`,
        },
      ],
    })}
  </section>`;
}

/** Every event with invitations or credited sign-ups, for the organisers' report. */
export function friendsSummaryPage(rows: FriendSummaryRow[]): SafeHtml {
  const sum = (f: (r: FriendSummaryRow) => number) => rows.reduce((n, r) => n + f(r), 0);
  const signUps = sum((r) => r.signUps);
  const all = sum((r) => r.allSignUps);
  return html`<p>
      Sign-ups through a volunteer's share link or emailed invitation, for events from the last four
      weeks on. Open an event to see who invited whom.
    </p>
    <p data-testid="friend-summary">
      ${sum((r) => r.invitationsSent)} invitations emailed · ${signUps} friends signed up
      ${all > 0 ? `(${((signUps / all) * 100).toFixed(1)}% of sign-ups to these events)` : ''} ·
      ${sum((r) => r.attended)} came
    </p>
    ${dataTable({
      caption: 'Bring a friend, by event',
      className: 'friends-summary',
      empty: 'Nobody has invited a friend yet.',
      rows,
      columns: [
        {
          label: 'Event',
          rowHeader: true,
          cell: (r) => html`<a href="/admin/events/${r.eventId}#bring-a-friend">${r.title}</a>`,
        },
        { label: 'When', cell: (r) => formatLondon(r.startsAt) },
        { label: 'Inviters', numeric: true, cell: (r) => r.inviters },
        { label: 'Invitations emailed', numeric: true, cell: (r) => r.invitationsSent },
        { label: 'Friends signed up', numeric: true, cell: (r) => r.signUps },
        { label: 'Came', numeric: true, cell: (r) => r.attended },
        { label: 'All sign-ups', numeric: true, cell: (r) => r.allSignUps },
      ],
    })}`;
}
