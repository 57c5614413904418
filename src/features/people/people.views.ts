import {
  filterSelect,
  postButton,
  selectField,
  textAreaField,
  textField,
} from '../../infra/html/form-controls.js';
import { badge, utcTime } from '../../infra/html/format.js';
import { type SafeHtml, html, when } from '../../infra/html/html.js';
import { pagination } from '../../infra/html/pagination.js';
import { dataTable } from '../../infra/html/tables.js';
import {
  CONSENT_FILTERS,
  type PeopleFilters,
  SEARCH_MAX_LENGTH,
  filtersToQuery,
  hasFilters,
} from './people.filters.js';
import type { PeoplePage } from './people-admin.service.js';
import { type Activity, type ConsentRecord, type Person, displayName } from './people.service.js';
import { CONSENT_CHANNELS, type ConsentStatus } from './people.tables.js';
import {
  CUSTOM_FIELD_KEY_MAX_LENGTH,
  NAME_MAX_LENGTH,
  PHONE_MAX_LENGTH,
  POSTCODE_MAX_LENGTH,
  TAG_MAX_LENGTH,
  WORDING_MAX_LENGTH,
} from './person-input.js';
import { EMAIL_MAX_LENGTH } from '../../infra/validation/email.js';
import { SEGMENT_NAME_MAX_LENGTH, type Segment } from './segments.service.js';

export const NO_PEOPLE_MESSAGE =
  'No supporters yet. People appear here when they sign a petition, write a letter or are imported.';
export const NO_MATCHES_MESSAGE = 'Nobody matches these filters.';
export const NO_SEGMENTS_MESSAGE =
  'No segments yet. Filter the people list, then save the filters as a segment.';

const CONSENT_LABELS: Record<(typeof CONSENT_FILTERS)[number], string> = {
  granted: 'Email consent granted',
  withdrawn: 'Email consent withdrawn',
  none: 'No email consent recorded',
};

function consentBadge(status: ConsentStatus | null): SafeHtml {
  if (status === 'granted') return badge('granted', 'ok');
  if (status === 'withdrawn') return badge('withdrawn', 'bad');
  return badge('none');
}

export interface FilterChoices {
  constituencies: { code: string; name: string }[];
  regions: string[];
  actions: string[];
}

function filterForm(filters: PeopleFilters, choices: FilterChoices): SafeHtml {
  return html`<form method="get" action="/admin/people" class="filters people-filters">
    <label
      >Search
      <input
        type="search"
        name="q"
        value="${filters.q ?? ''}"
        maxlength="${SEARCH_MAX_LENGTH}"
        placeholder="name or email"
      />
    </label>
    <label
      >Tag
      <input type="text" name="tag" value="${filters.tag ?? ''}" maxlength="${TAG_MAX_LENGTH}" />
    </label>
    ${filterSelect(
      'Constituency',
      'constituency',
      choices.constituencies.map((c) => ({ value: c.code, label: c.name })),
      filters.constituency,
    )}
    ${filterSelect(
      'Region',
      'region',
      choices.regions.map((r) => ({ value: r, label: r })),
      filters.region,
    )}
    ${filterSelect(
      'Consent',
      'consent',
      CONSENT_FILTERS.map((c) => ({ value: c, label: CONSENT_LABELS[c] })),
      filters.consent,
    )}
    ${filterSelect(
      'Action taken',
      'action',
      choices.actions.map((a) => ({ value: a, label: a })),
      filters.action,
    )}
    <label
      >Joined from
      <input type="date" name="createdFrom" value="${filters.createdFrom ?? ''}" />
    </label>
    <label
      >Joined to
      <input type="date" name="createdTo" value="${filters.createdTo ?? ''}" />
    </label>
    <button type="submit">Filter</button>
    ${when(hasFilters(filters), () => html`<a class="button secondary" href="/admin/people">Clear</a>`)}
  </form>`;
}

function pageLink(filters: PeopleFilters, segmentId: number | undefined, page: number): string {
  const extra: Record<string, string> = {};
  if (page > 1) extra.page = String(page);
  // A segment's page carries only the segment: its filters come from the saved segment.
  const query = segmentId
    ? new URLSearchParams({ segment: String(segmentId), ...extra }).toString()
    : filtersToQuery(filters, extra);
  return `/admin/people${query ? `?${query}` : ''}`;
}

export interface PeopleListView {
  filters: PeopleFilters;
  choices: FilterChoices;
  result: PeoplePage | undefined;
  error?: string | undefined;
  segment?: Segment | undefined;
  canEdit: boolean;
  csrfToken: string;
}

function saveSegmentForm(view: PeopleListView): SafeHtml {
  return html`<details class="people-save-segment">
    <summary>Save these filters as a segment</summary>
    <form method="post" action="/admin/segments" class="stack">
      <input type="hidden" name="_csrf" value="${view.csrfToken}" />
      ${Object.entries(view.filters).map(
        ([k, v]) => html`<input type="hidden" name="${k}" value="${String(v)}" />`,
      )}
      ${textField({
        id: 'segment-name',
        name: 'name',
        label: 'Segment name',
        required: true,
        maxLength: SEGMENT_NAME_MAX_LENGTH,
      })}
      <button type="submit">Save segment</button>
    </form>
  </details>`;
}

export function peopleListBody(view: PeopleListView): SafeHtml {
  const { result, filters } = view;
  const csvHref = view.segment
    ? `/admin/segments/${view.segment.id}/export.csv`
    : `/admin/people/export.csv${hasFilters(filters) ? `?${filtersToQuery(filters)}` : ''}`;
  return html`${when(
    view.segment,
    () =>
      html`<p class="people-segment">
        Segment <strong>${view.segment?.name ?? ''}</strong> ·
        <a href="/admin/segments">All segments</a>
      </p>`,
  )}
  ${filterForm(filters, view.choices)}
  ${when(view.error, () => html`<p class="error-message" role="alert">${view.error ?? ''}</p>`)}
  ${result ? resultsBlock(view, result) : ''}
  ${when(
    view.canEdit && result !== undefined,
    () =>
      html`<p class="people-actions">
          <a class="button secondary" href="${csvHref}" download>Export CSV</a>
        </p>
        ${when(!view.segment, () => saveSegmentForm(view))}`,
  )}`;
}

function resultsBlock(view: PeopleListView, result: PeoplePage): SafeHtml {
  if (result.total === 0) {
    const message = hasFilters(view.filters) ? NO_MATCHES_MESSAGE : NO_PEOPLE_MESSAGE;
    return html`<p class="empty">${message}</p>`;
  }
  const segmentId = view.segment?.id;
  return html`<p class="people-count" role="status">
      ${result.total === 1 ? '1 person' : `${result.total.toLocaleString('en-GB')} people`}
    </p>
    ${dataTable({
      columns: [
        {
          label: 'Name',
          cell: (p) => html`<a href="/admin/people/${p.id}">${displayName(p)}</a>`,
        },
        { label: 'Email', cell: (p) => p.email },
        { label: 'Constituency', cell: (p) => p.constituencyName ?? '' },
        { label: 'Tags', cell: (p) => p.tags.join(', ') },
        { label: 'Email consent', cell: (p) => consentBadge(p.emailConsent) },
        { label: 'Joined', cell: (p) => utcTime(p.createdAt) },
      ],
      rows: result.people,
    })}
    ${pagination({
      page: result.page,
      pageCount: result.pageCount,
      href: (page) => pageLink(view.filters, segmentId, page),
    })}`;
}

// ---- person page -------------------------------------------------------------------------------

export interface PersonView {
  person: Person;
  consents: ConsentRecord[];
  activities: Activity[];
  activityTotal: number;
  canEdit: boolean;
  csrfToken: string;
  /** A rejected edit: the message and what was typed, shown again. */
  editError?: string;
  editValues?: Record<string, string>;
}

function customFieldsText(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
}

function editForm(view: PersonView): SafeHtml {
  const p = view.person;
  const v = view.editValues ?? {
    email: p.email,
    firstName: p.firstName ?? '',
    lastName: p.lastName ?? '',
    postcode: p.postcode ?? '',
    phone: p.phone ?? '',
    customFields: customFieldsText(p.customFields),
  };
  return html`<section id="edit">
    <h2>Edit details</h2>
    ${when(view.editError, () => html`<p class="error-message" role="alert">${view.editError ?? ''}</p>`)}
    <form method="post" action="/admin/people/${p.id}" class="stack">
      <input type="hidden" name="_csrf" value="${view.csrfToken}" />
      ${textField({
        id: 'person-email',
        name: 'email',
        label: 'Email',
        type: 'email',
        required: true,
        maxLength: EMAIL_MAX_LENGTH,
        value: v.email,
      })}
      ${textField({
        id: 'person-firstName',
        name: 'firstName',
        label: 'First name',
        maxLength: NAME_MAX_LENGTH,
        value: v.firstName,
      })}
      ${textField({
        id: 'person-lastName',
        name: 'lastName',
        label: 'Last name',
        maxLength: NAME_MAX_LENGTH,
        value: v.lastName,
      })}
      ${textField({
        id: 'person-postcode',
        name: 'postcode',
        label: 'Postcode',
        hint: 'The constituency is worked out from the postcode.',
        maxLength: POSTCODE_MAX_LENGTH,
        autocomplete: 'off',
        value: v.postcode,
      })}
      ${textField({
        id: 'person-phone',
        name: 'phone',
        label: 'Phone',
        type: 'tel',
        maxLength: PHONE_MAX_LENGTH,
        value: v.phone,
      })}
      ${textAreaField({
        id: 'person-customFields',
        name: 'customFields',
        label: 'Custom fields',
        hint: html`One per line, as <code>name: value</code> (names up to
          ${CUSTOM_FIELD_KEY_MAX_LENGTH} characters).`,
        value: v.customFields,
      })}
      <button type="submit">Save changes</button>
    </form>
  </section>`;
}

function tagsSection(view: PersonView): SafeHtml {
  const p = view.person;
  return html`<section id="tags">
    <h2>Tags</h2>
    ${
      p.tags.length === 0
        ? html`<p class="muted">No tags.</p>`
        : html`<ul class="people-tags">
            ${p.tags.map(
              (t) =>
                html`<li>
                  <a class="badge" href="/admin/people?${filtersToQuery({ tag: t })}">${t}</a>
                  ${when(view.canEdit, () =>
                    postButton({
                      action: `/admin/people/${p.id}/tags/remove`,
                      csrf: view.csrfToken,
                      fields: { tag: t },
                      label: 'remove',
                      buttonClass: 'link',
                      ariaLabel: `Remove tag ${t}`,
                    }),
                  )}
                </li>`,
            )}
          </ul>`
    }
    ${when(
      view.canEdit,
      () =>
        html`<form method="post" action="/admin/people/${p.id}/tags" class="filters">
          <input type="hidden" name="_csrf" value="${view.csrfToken}" />
          <label
            >New tag
            <input type="text" name="tag" required maxlength="${TAG_MAX_LENGTH}" />
          </label>
          <button type="submit">Add tag</button>
        </form>`,
    )}
  </section>`;
}

function consentSection(view: PersonView): SafeHtml {
  const p = view.person;
  return html`<section id="consent">
    <h2>Consent history</h2>
    ${
      view.consents.length === 0
        ? html`<p class="muted">No consent recorded.</p>`
        : dataTable({
            columns: [
              { label: 'When', cell: (c) => utcTime(c.createdAt) },
              { label: 'Channel', cell: (c) => c.channel },
              { label: 'Status', cell: (c) => consentBadge(c.status) },
              { label: 'How', cell: (c) => c.method },
              { label: 'Wording shown', cell: (c) => c.wording },
              { label: 'Source', cell: (c) => c.source },
            ],
            rows: view.consents,
          })
    }
    ${when(
      view.canEdit && !p.erasedAt,
      () =>
        html`<details>
          <summary>Record a consent change</summary>
          <form method="post" action="/admin/people/${p.id}/consents" class="stack">
            <input type="hidden" name="_csrf" value="${view.csrfToken}" />
            ${selectField({
              id: 'consent-channel',
              name: 'channel',
              label: 'Channel',
              options: CONSENT_CHANNELS.map((c) => ({ value: c, label: c })),
            })}
            ${selectField({
              id: 'consent-status',
              name: 'status',
              label: 'Status',
              options: [
                { value: 'withdrawn', label: 'withdrawn' },
                { value: 'granted', label: 'granted' },
              ],
            })}
            ${textAreaField({
              id: 'consent-note',
              name: 'note',
              label: 'How they told us',
              hint: 'e.g. "Phoned on 3 May asking to stop emails".',
              required: true,
              maxLength: WORDING_MAX_LENGTH,
            })}
            <button type="submit">Record</button>
          </form>
        </details>`,
    )}
  </section>`;
}

function timelineSection(view: PersonView): SafeHtml {
  return html`<section id="activity">
    <h2>Activity</h2>
    ${
      view.activities.length === 0
        ? html`<p class="muted">No activity yet.</p>`
        : html`<ol class="people-timeline">
            ${view.activities.map(
              (a) =>
                html`<li>
                  ${utcTime(a.createdAt)} <span class="badge">${a.kind}</span> ${a.summary}
                </li>`,
            )}
          </ol>`
    }
    ${when(
      view.activityTotal > view.activities.length,
      () =>
        html`<p class="muted">
          Showing the latest ${view.activities.length} of ${view.activityTotal}. "Export everything"
          includes them all.
        </p>`,
    )}
  </section>`;
}

function dataRightsSection(view: PersonView): SafeHtml | '' {
  const p = view.person;
  if (!view.canEdit) return '';
  return html`<section id="data-rights">
    <h2>Data rights</h2>
    <p>
      <a class="button secondary" href="/admin/people/${p.id}/export.json" download
        >Export everything (JSON)</a
      >
      ${when(
        !p.erasedAt,
        () => html`<a class="button secondary" href="/admin/people/${p.id}/erase">Erase…</a>`,
      )}
      ${when(
        !p.erasedAt,
        () =>
          html`<a class="button secondary" href="/admin/cases/new?source=person&ref=${p.id}"
            >Open a conduct case…</a
          >`,
      )}
    </p>
  </section>`;
}

export function personBody(view: PersonView): SafeHtml {
  const p = view.person;
  return html`${when(
      p.erasedAt,
      () =>
        html`<p class="flash flash-info">
          This person was erased on ${utcTime(p.erasedAt ?? '')}. Their activity still counts in
          totals but nothing identifies them.
        </p>`,
    )}
    <dl class="details">
      <dt>Email</dt>
      <dd>${p.email}</dd>
      <dt>Name</dt>
      <dd>${[p.firstName, p.lastName].filter(Boolean).join(' ')}</dd>
      <dt>Postcode</dt>
      <dd>${p.postcode ?? ''}</dd>
      <dt>Constituency</dt>
      <dd>${p.constituencyName ?? ''}${when(p.region, () => html` (${p.region ?? ''})`)}</dd>
      <dt>Phone</dt>
      <dd>${p.phone ?? ''}</dd>
      <dt>Source</dt>
      <dd>${p.source}</dd>
      <dt>Joined</dt>
      <dd>${utcTime(p.createdAt)}</dd>
      ${Object.entries(p.customFields).map(
        ([k, v]) =>
          html`<dt>${k}</dt>
            <dd>${v}</dd>`,
      )}
    </dl>
    ${tagsSection(view)} ${consentSection(view)} ${timelineSection(view)}
    ${when(view.canEdit && !p.erasedAt, () => editForm(view))} ${dataRightsSection(view)}
    <p><a href="/admin/people">Back to people</a></p>`;
}

export function eraseBody(
  person: Person,
  csrfToken: string,
  error?: string,
  exceptions: readonly string[] = [],
): SafeHtml {
  return html`<p>
      Erasing removes ${displayName(person)}'s email, names, postcode, phone, tags and custom
      fields, and what their timeline and the mail sent to them said. Their actions still count in
      totals. This cannot be undone.
    </p>
    ${exceptions.map((note) => html`<p class="notice" data-erasure-exception>${note}</p>`)}
    ${when(error, () => html`<p class="error-message" role="alert">${error ?? ''}</p>`)}
    <form method="post" action="/admin/people/${person.id}/erase" class="stack">
      <input type="hidden" name="_csrf" value="${csrfToken}" />
      ${textField({
        id: 'erase-confirm',
        name: 'confirm',
        label: html`Type the person's email address (<code>${person.email}</code>) to confirm`,
        required: true,
        autocomplete: 'off',
      })}
      <button type="submit" class="danger">Erase this person</button>
    </form>
    <p><a href="/admin/people/${person.id}">Cancel</a></p>`;
}

// ---- segments ----------------------------------------------------------------------------------

function describeFilters(f: PeopleFilters): string {
  const parts: string[] = [];
  if (f.q) parts.push(`search "${f.q}"`);
  if (f.tag) parts.push(`tag ${f.tag}`);
  if (f.constituency) parts.push(`constituency ${f.constituency}`);
  if (f.region) parts.push(`region ${f.region}`);
  if (f.consent) parts.push(CONSENT_LABELS[f.consent].toLowerCase());
  if (f.action) parts.push(`action ${f.action}`);
  if (f.createdFrom) parts.push(`joined from ${f.createdFrom}`);
  if (f.createdTo) parts.push(`joined to ${f.createdTo}`);
  return parts.length ? parts.join(', ') : 'everyone';
}

export function segmentsBody(
  segments: (Segment & { count: number })[],
  canEdit: boolean,
  csrfToken: string,
): SafeHtml {
  if (segments.length === 0) return html`<p class="empty">${NO_SEGMENTS_MESSAGE}</p>`;
  return dataTable({
    wrapClass: 'people-segments',
    columns: [
      { label: 'Segment', cell: (s) => html`<a href="/admin/segments/${s.id}">${s.name}</a>` },
      { label: 'Filters', cell: (s) => describeFilters(s.filters) },
      { label: 'People', numeric: true, cell: (s) => s.count },
      canEdit && {
        label: 'Actions',
        cell: (s) =>
          html`<a href="/admin/segments/${s.id}/export.csv" download>CSV</a> ${postButton({
              action: `/admin/segments/${s.id}/delete`,
              csrf: csrfToken,
              label: 'Delete',
              buttonClass: 'link',
            })}`,
      },
    ],
    rows: segments,
  });
}
