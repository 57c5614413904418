import {
  checkboxField,
  errorMessage,
  errorSummary,
  formFields,
  postButton,
  selectField,
  textAreaField,
  textField,
} from '../../infra/html/form-controls.js';
import { type SafeHtml, csrfField, html } from '../../infra/html/html.js';
import { dataTable } from '../../infra/html/tables.js';
import { highlight } from '../civility/civility.views.js';
import type { Target, TargetListSummary } from '../targets/targets.service.js';
import {
  formatLondon,
  formatLondonRange,
  isoToLondonInput,
} from '../../infra/clock/london-time.js';
import { stormPath } from './posting.service.js';
import type { StormRow } from './storms.repository.js';
import type { StormReport } from './storms.report.js';
import {
  DESCRIPTION_MAX_LENGTH,
  type Errors,
  LINK_MAX_LENGTH,
  MAX_TARGETS,
  MAX_VARIANTS,
  SLUG_MAX_LENGTH,
  type StormForm,
  TITLE_MAX_LENGTH,
  VARIANT_MAX_LENGTH,
  variantKey,
} from './storms.rules.js';
import {
  type FlaggedText,
  type Phase,
  STORM_STATUS,
  type StormTarget,
  freeHandlesOf,
  phaseOf,
  targetIdsOf,
  variantsOf,
} from './storms.service.js';
import { timeCurveChart } from './storms.chart.js';
import { HASHTAG_MAX_LENGTH, PLATFORM_LABELS } from './storm-text.js';

export function adminBase(storm: { id: number }): string {
  return `/admin/storms/${storm.id}`;
}

const PHASE_LABELS: Record<Phase, string> = {
  upcoming: 'Coming up',
  live: 'Happening now',
  ended: 'Over',
};

function statusLabel(storm: StormRow, now = Date.now()): string {
  return storm.status === 'draft' ? 'Draft' : PHASE_LABELS[phaseOf(storm, now)];
}

export function listPage(opts: {
  storms: StormRow[];
  counts: Map<number, number>;
  canEdit: boolean;
}): SafeHtml {
  return html`${opts.canEdit ? html`<p><a class="button" href="/admin/storms/new">New storm</a></p>` : ''}
  ${dataTable({
    columns: [
      {
        label: 'Storm',
        cell: (s) =>
          html`<a href="${adminBase(s)}">${s.title}</a>
            <span class="hint">#${s.hashtag} · /storms/${s.slug}</span>`,
      },
      { label: 'When (UK time)', cell: (s) => formatLondonRange(s.starts_at, s.ends_at) },
      { label: 'Status', cell: (s) => statusLabel(s) },
      {
        label: 'Posts',
        numeric: true,
        cell: (s) => (opts.counts.get(s.id) ?? 0).toLocaleString('en-GB'),
      },
    ],
    rows: opts.storms,
    empty: `No storms yet.${opts.canEdit ? ' Plan one with the button above.' : ''}`,
  })}`;
}

export function emptyForm(now = Date.now()): StormForm {
  // A sensible default: tomorrow at 19:00 UK time, for an hour.
  const tomorrow = isoToLondonInput(new Date(now + 86_400_000).toISOString()).slice(0, 10);
  return {
    title: '',
    slug: '',
    description: '',
    startsAt: `${tomorrow}T19:00`,
    endsAt: `${tomorrow}T20:00`,
    hashtag: '',
    linkUrl: '',
    targetListId: '',
    targetIds: [],
    handles: '',
    variants: [],
  };
}

export function formOf(storm: StormRow): StormForm {
  return {
    title: storm.title,
    slug: storm.slug,
    description: storm.description,
    startsAt: isoToLondonInput(storm.starts_at),
    endsAt: isoToLondonInput(storm.ends_at),
    hashtag: `#${storm.hashtag}`,
    linkUrl: storm.link_url ?? '',
    targetListId: storm.target_list_id ? String(storm.target_list_id) : '',
    targetIds: targetIdsOf(storm).map(String),
    handles: freeHandlesOf(storm)
      .map((h) => h.mention)
      .join('\n'),
    variants: variantsOf(storm),
  };
}

function flaggedBlock(flagged: FlaggedText[], field: string): SafeHtml | '' {
  const f = flagged.find((x) => x.field === field);
  if (!f) return '';
  return html`<div
    class="civility-highlighted storm-flagged"
    aria-label="What the civility guard objected to"
  >
    ${highlight(f.text, f.assessment.spans)}
  </div>`;
}

function targetLabel(t: Target): string {
  const handles = [
    t.twitter ? `@${t.twitter}` : '',
    t.bluesky ? `@${t.bluesky}` : '',
    t.mastodon ?? '',
  ].filter(Boolean);
  return `${t.name}${t.role ? ` (${t.role})` : ''}${t.division_name ? ` — ${t.division_name}` : ''}${handles.length ? ` · ${handles.join(' ')}` : ' · no handles'}`;
}

export function stormForm(opts: {
  action: string;
  form: StormForm;
  errors: Errors;
  flagged: FlaggedText[];
  csrf: string;
  lists: TargetListSummary[];
  /** The chosen targets and the latest search results, to tick. */
  pickable: Target[];
  targetQuery: string;
  submitLabel: string;
}): SafeHtml {
  const f = opts.form;
  const e = opts.errors;
  const field = formFields('sf', f, e);
  const chosen = new Set(f.targetIds);
  const slots = Math.min(MAX_VARIANTS, Math.max(3, f.variants.length + 1));
  const variants = Array.from({ length: slots }, (_, i) => f.variants[i] ?? '');
  return html`${errorSummary(e)}
    <form method="post" action="${opts.action}" class="stack storm-admin-form">
      ${csrfField(opts.csrf)}
      <!-- Enter in a field submits the form's first button: make it Save, not Find targets. -->
      <button
        type="submit"
        name="op"
        value="save"
        class="storm-default-submit"
        tabindex="-1"
        aria-hidden="true"
      >
        ${opts.submitLabel}
      </button>
      ${field.text('title', 'Title', { maxLength: TITLE_MAX_LENGTH, required: true })}
      ${flaggedBlock(opts.flagged, 'title')}
      ${field.text('slug', 'Web address', { maxLength: SLUG_MAX_LENGTH, hint: 'The end of /storms/… Leave empty to make one from the title.' })}
      ${field.textArea('description', html`Description <small>(optional)</small>`, {
        hint: 'Why we post, shown above the suggested posts. Plain text; links work.',
        rows: 4,
        maxLength: DESCRIPTION_MAX_LENGTH,
      })}
      ${flaggedBlock(opts.flagged, 'description')}
      ${field.text('startsAt', 'Starts (UK time)', { type: 'datetime-local', required: true })}
      ${field.text('endsAt', 'Ends (UK time)', { type: 'datetime-local', required: true })}
      ${field.text('hashtag', 'Hashtag', { maxLength: HASHTAG_MAX_LENGTH + 1, required: true, hint: 'Like #SaveOurLibraries: letters, digits and underscores.' })}
      ${field.text('linkUrl', 'Link to include (optional)', { type: 'url', maxLength: LINK_MAX_LENGTH, hint: 'Added to every post that does not have it, e.g. your petition.' })}
      <fieldset class="storm-targets-picker">
        <legend>Targets</legend>
        <p class="hint">
          Their handles are added to each post on the platform they use. At most ${MAX_TARGETS}.
        </p>
        ${selectField({
          id: 'sf-targetListId',
          name: 'targetListId',
          label: 'Target list',
          emptyOption: 'No targets from a list',
          options: opts.lists.map((l) => ({ value: l.id, label: `${l.name} (${l.targetCount})` })),
          value: f.targetListId,
          error: e.targetListId,
        })}
        ${textField({
          id: 'sf-targetQuery',
          name: 'targetQuery',
          label: 'Find targets by name, constituency or role',
          type: 'search',
          value: opts.targetQuery,
          maxLength: 100,
        })}
        <button type="submit" name="op" value="find" class="secondary" formnovalidate>
          Find targets
        </button>
        ${
          opts.pickable.length
            ? html`<div class="${e.targetIds ? 'field field-error' : 'field'}">
                <p class="storm-picker-heading">Tick the targets of this storm:</p>
                <ul class="storm-picker">
                  ${opts.pickable.map(
                    (t) =>
                      html`<li>
                        ${checkboxField({
                          name: 'targetIds',
                          value: String(t.id),
                          label: targetLabel(t),
                          checked: chosen.has(String(t.id)),
                          className: 'storm-check',
                        })}
                      </li>`,
                  )}
                </ul>
                ${errorMessage('sf-targetIds', e.targetIds)}
              </div>`
            : errorMessage('sf-targetIds', e.targetIds)
        }
        ${field.textArea('handles', html`Other handles <small>(optional)</small>`, {
          hint: 'One per line: @name for X, name.bsky.social for Bluesky, @name@server for Mastodon.',
          rows: 3,
        })}
      </fieldset>
      <fieldset class="storm-variants">
        <legend>Suggested posts</legend>
        <p class="hint">
          Write several: each supporter is offered one at random, so the storm does not look like
          copies. Each must pass the civility guard and fit every platform once the handles, hashtag
          and link are added. Save to get more boxes (up to ${MAX_VARIANTS}).
        </p>
        ${errorMessage('sf-variants', e.variants)}
        ${variants.map((text, i) => {
          const key = variantKey(i + 1);
          return html`${textAreaField({
            id: `sf-${key}`,
            name: 'variants',
            label: `Suggestion ${i + 1}`,
            rows: 3,
            maxLength: VARIANT_MAX_LENGTH,
            value: text,
            error: e[key],
          })}
          ${flaggedBlock(opts.flagged, key)}`;
        })}
      </fieldset>
      <button type="submit" name="op" value="save">${opts.submitLabel}</button>
    </form>`;
}

export function detailPage(opts: {
  storm: StormRow;
  targets: StormTarget[];
  posts: number;
  canEdit: boolean;
  csrf: string;
}): SafeHtml {
  const s = opts.storm;
  const actions = STORM_STATUS.offered(s.status);
  return html`<p>
      <strong>${statusLabel(s)}</strong> ·
      ${s.status === 'draft' ? html`<span class="hint">/storms/${s.slug} (not public yet)</span>` : html`<a href="${stormPath(s)}">/storms/${s.slug}</a>`}
    </p>
    <dl class="storm-facts">
      <dt>When (UK time)</dt>
      <dd>${formatLondonRange(s.starts_at, s.ends_at)}</dd>
      <dt>Hashtag</dt>
      <dd>#${s.hashtag}</dd>
      <dt>Link</dt>
      <dd>
        ${s.link_url ? html`<a href="${s.link_url}" rel="noopener">${s.link_url}</a>` : 'None'}
      </dd>
      <dt>Targets</dt>
      <dd>
        ${
          opts.targets.length
            ? html`<ul>
                ${opts.targets.map(
                  (t) =>
                    html`<li>
                      ${t.name ?? ''}
                      ${t.handles.length ? t.handles.map((h) => html` <span class="storm-handle">${h.mention} <small>(${PLATFORM_LABELS[h.platform]})</small></span>`) : html`<small>no handles</small>`}
                    </li>`,
                )}
              </ul>`
            : 'None'
        }
      </dd>
      <dt>Posts counted</dt>
      <dd>
        ${opts.posts.toLocaleString('en-GB')} · <a href="${adminBase(s)}/report">Report</a> ·
        <a href="/admin/reach/storm/${s.id}">Reach (follower counts)</a>
      </dd>
    </dl>
    ${
      s.description
        ? html`<h2>Description</h2>
            <p class="storm-pre">${s.description}</p>`
        : ''
    }
    <h2>Suggested posts</h2>
    <ol class="storm-variant-list">
      ${variantsOf(s).map((v) => html`<li class="storm-pre">${v}</li>`)}
    </ol>
    ${
      opts.canEdit
        ? html`<p><a class="button secondary" href="${adminBase(s)}/edit">Edit</a></p>
            <div class="storm-actions">
              ${actions.map(([action, rule]) =>
                postButton({
                  action: `${adminBase(s)}/status`,
                  csrf: opts.csrf,
                  fields: { action },
                  label: rule.label,
                }),
              )}
            </div>`
        : ''
    }`;
}

export function reportPage(opts: { storm: StormRow; report: StormReport; now: number }): SafeHtml {
  const { storm, report } = opts;
  const phase = phaseOf(storm, opts.now);
  const pct = (n: number) => (report.posts ? `${Math.round((n / report.posts) * 100)}%` : '–');
  return html`<p>
      <a href="${adminBase(storm)}">${storm.title}</a> · #${storm.hashtag} ·
      ${formatLondonRange(storm.starts_at, storm.ends_at)} (UK time)
    </p>
    ${
      phase !== 'ended'
        ? html`<p class="flash flash-info" role="status">
            ${phase === 'live' ? 'The storm is still going: these are the numbers so far.' : `The storm starts on ${formatLondon(storm.starts_at)}.`}
          </p>`
        : ''
    }
    <dl class="storm-facts storm-totals">
      <dt>Posts ("I posted" clicks)</dt>
      <dd>${report.posts.toLocaleString('en-GB')}</dd>
      <dt>Participants</dt>
      <dd>
        ${report.participants.toLocaleString('en-GB')}
        <small>(distinct browsers, or networks where the page's script did not run)</small>
      </dd>
      <dt>Confirmed their email</dt>
      <dd>${report.confirmedPeople.toLocaleString('en-GB')}</dd>
    </dl>
    <h2>Over time</h2>
    ${timeCurveChart(report.curve)}
    <p><a href="${adminBase(storm)}/curve.csv" download>Download the series (CSV)</a></p>
    <h2>By suggestion</h2>
    ${dataTable({
      columns: [
        {
          label: 'Suggestion',
          cell: (v) =>
            html`<strong>${v.variant}.</strong> ${v.text ?? html`<em>(removed since)</em>`}`,
        },
        { label: 'Posts', numeric: true, cell: (v) => v.posts.toLocaleString('en-GB') },
        { label: 'Share', numeric: true, cell: (v) => pct(v.posts) },
        { label: 'Edited first', numeric: true, cell: (v) => v.edited.toLocaleString('en-GB') },
      ],
      rows: report.byVariant,
    })}
    <h2>By platform</h2>
    ${dataTable({
      columns: [
        { label: 'Platform', cell: (p) => PLATFORM_LABELS[p.platform] },
        { label: 'Posts', numeric: true, cell: (p) => p.posts.toLocaleString('en-GB') },
        { label: 'Share', numeric: true, cell: (p) => pct(p.posts) },
      ],
      rows: report.byPlatform,
    })}`;
}
