import { formatLondon } from '../../infra/clock/london-time.js';
import { dailySeriesSection } from '../../infra/html/daily-series.js';
import {
  errorSummary,
  postButton,
  selectField,
  textField,
} from '../../infra/html/form-controls.js';
import { type SafeHtml, csrfField, html } from '../../infra/html/html.js';
import { dataTable } from '../../infra/html/tables.js';
import {
  FOLLOWERS_MAX,
  PLATFORM_LABELS,
  REACH_PLATFORMS,
  RECORDS_MAX,
  type ReachErrors,
  type ReachForm,
  type ReachReport,
  type ReachSubject,
  SERIES_LABELS,
  reachHref,
} from './reach.service.js';

/** Records listed on the page at most (the CSV and the totals cover them all). */
export const RECORDS_SHOWN = 200;

const n = (x: number) => x.toLocaleString('en-GB');

export const emptyReachForm = (): ReachForm => ({
  platform: '',
  handle: '',
  followers: '',
  kind: 'post',
  occurredAt: '',
});

function recordForm(opts: {
  action: string;
  csrf: string;
  values: ReachForm;
  errors: ReachErrors;
}): SafeHtml {
  const { values, errors } = opts;
  return html`<h2 id="record">Record a post or share</h2>
    ${errorSummary(errors)}
    <form method="post" action="${opts.action}" novalidate>
      ${csrfField(opts.csrf)}
      ${selectField({
        id: 'reach-platform',
        name: 'platform',
        label: 'Platform',
        required: true,
        emptyOption: 'Choose a platform',
        options: REACH_PLATFORMS.map((p) => ({ value: p, label: PLATFORM_LABELS[p] })),
        value: values.platform,
        error: errors.platform,
      })}
      ${textField({
        id: 'reach-handle',
        name: 'handle',
        label: 'Account',
        hint: 'The handle or profile address: @name, name.bsky.social, @name@instance. Each account counts once.',
        required: true,
        maxLength: 480,
        value: values.handle,
        error: errors.handle,
      })}
      ${textField({
        id: 'reach-followers',
        name: 'followers',
        label: 'Followers',
        hint: `A whole number from 0 to ${n(FOLLOWERS_MAX)}. Recording an account again updates its count.`,
        required: true,
        inputMode: 'numeric',
        maxLength: 20,
        value: values.followers,
        error: errors.followers,
      })}
      ${selectField({
        id: 'reach-kind',
        name: 'kind',
        label: 'What they did',
        options: [
          { value: 'post', label: 'Posted' },
          { value: 'share', label: 'Shared' },
        ],
        value: values.kind,
        error: errors.kind,
      })}
      ${textField({
        id: 'reach-when',
        name: 'occurredAt',
        type: 'datetime-local',
        label: 'When (UK time)',
        hint: 'Leave empty for now.',
        value: values.occurredAt,
        error: errors.occurredAt,
      })}
      <button type="submit">Record</button>
    </form>`;
}

/**
 * Totals, by platform and the curve with its CSV: the reach page's top, and the section the
 * storm report and the petition's curve page embed (`heading` set, with a link to record more).
 */
export function reachSummarySection(opts: {
  subject: Pick<ReachSubject, 'type' | 'id'>;
  report: ReachReport;
  heading?: string;
}): SafeHtml {
  const { subject, report } = opts;
  const base = reachHref(subject);
  return html`${opts.heading ? html`<h2 id="reach">${opts.heading}</h2>` : ''}
    <p class="hint">
      Follower counts recorded for the people who posted or shared this ${subject.type}. Estimated
      reach adds up followers over distinct accounts (the same handle on the same platform counts
      once, at its latest count): people following several of them are counted more than once, so it
      is an upper bound, not an audience.
      ${opts.heading ? html`<a href="${base}">Record follower counts</a>.` : ''}
    </p>
    <dl class="storm-facts storm-totals reach-totals">
      <dt>Participants (accounts)</dt>
      <dd data-reach="accounts">${n(report.accounts)}</dd>
      <dt>Posts</dt>
      <dd data-reach="posts">${n(report.posts)}</dd>
      <dt>Shares</dt>
      <dd data-reach="shares">${n(report.shares)}</dd>
      <dt>Estimated reach</dt>
      <dd data-reach="reach">${n(report.reach)}</dd>
    </dl>
    ${dataTable({
      caption: 'By platform',
      rows: report.byPlatform,
      empty: 'Nothing recorded yet.',
      columns: [
        { label: 'Platform', rowHeader: true, cell: (p) => PLATFORM_LABELS[p.platform] },
        { label: 'Accounts', numeric: true, cell: (p) => n(p.accounts) },
        { label: 'Posts', numeric: true, cell: (p) => n(p.posts) },
        { label: 'Shares', numeric: true, cell: (p) => n(p.shares) },
        { label: 'Estimated reach', numeric: true, cell: (p) => n(p.reach) },
      ],
    })}
    ${dailySeriesSection({
      id: 'reach-curve',
      title: 'Estimated reach by day',
      labels: SERIES_LABELS,
      days: report.series,
      csvHref: `${base}/series.csv`,
      empty:
        'No follower counts recorded yet. Record who posted or shared it, and how many followers they have, to see the reach grow.',
    })}`;
}

/** The reach page of a storm or a petition: the summary, the form, the records. */
export function reachPage(opts: {
  subject: ReachSubject;
  report: ReachReport;
  canEdit: boolean;
  csrf: string;
  values?: ReachForm;
  errors?: ReachErrors;
}): SafeHtml {
  const { subject, report } = opts;
  const base = reachHref(subject);
  const shown = report.records.slice(0, RECORDS_SHOWN);
  return html`<p><a href="${subject.href}">Back to ${subject.title}</a></p>
    ${reachSummarySection({ subject, report })}
    ${
      opts.canEdit
        ? recordForm({
            action: base,
            csrf: opts.csrf,
            values: opts.values ?? emptyReachForm(),
            errors: opts.errors ?? {},
          })
        : ''
    }
    <h2>Records</h2>
    ${
      report.records.length > RECORDS_SHOWN
        ? html`<p class="hint">
            The newest ${RECORDS_SHOWN} of ${n(report.records.length)} (at most ${n(RECORDS_MAX)}).
          </p>`
        : ''
    }
    ${dataTable({
      rows: shown,
      empty: 'No records yet.',
      columns: [
        { label: 'When (UK time)', cell: (r) => formatLondon(r.occurredAt) },
        { label: 'Platform', cell: (r) => PLATFORM_LABELS[r.platform] },
        { label: 'Account', cell: (r) => r.handleDisplay },
        { label: 'Did', cell: (r) => (r.kind === 'share' ? 'Shared' : 'Posted') },
        { label: 'Followers', numeric: true, cell: (r) => n(r.followers) },
        opts.canEdit && {
          label: html`<span class="visually-hidden">Actions</span>`,
          cell: (r) =>
            postButton({
              action: `${base}/records/${r.id}/delete`,
              csrf: opts.csrf,
              label: 'Delete',
              buttonClass: 'link',
              ariaLabel: `Delete the record for ${r.handleDisplay}`,
            }),
        },
      ],
    })}`;
}
