import { type SafeHtml, csrfField, html } from '../../infra/html/html.js';
import { highlight } from '../civility/civility.views.js';
import type { Target, TargetListSummary } from '../targets/targets.service.js';
import { formatLondon, formatLondonRange, isoToLondonInput } from './london-time.js';
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
  STATUS_ACTIONS,
  type StatusAction,
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

function errorSummary(errors: Errors): SafeHtml | '' {
  const messages = Object.values(errors);
  if (!messages.length) return '';
  return html`<div class="flash flash-error" role="alert">
    <p>Please correct the following:</p>
    <ul>
      ${messages.map((m) => html`<li>${m}</li>`)}
    </ul>
  </div>`;
}

export function listPage(opts: {
  storms: StormRow[];
  counts: Map<number, number>;
  canEdit: boolean;
}): SafeHtml {
  return html`${opts.canEdit ? html`<p><a class="button" href="/admin/storms/new">New storm</a></p>` : ''}
  ${
    opts.storms.length
      ? html`<div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Storm</th>
                <th scope="col">When (UK time)</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">Posts</th>
              </tr>
            </thead>
            <tbody>
              ${opts.storms.map(
                (s) =>
                  html`<tr>
                    <td>
                      <a href="${adminBase(s)}">${s.title}</a>
                      <span class="hint">#${s.hashtag} · /storms/${s.slug}</span>
                    </td>
                    <td>${formatLondonRange(s.starts_at, s.ends_at)}</td>
                    <td>${statusLabel(s)}</td>
                    <td class="num">${(opts.counts.get(s.id) ?? 0).toLocaleString('en-GB')}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>`
      : html`<p class="empty">
          No storms yet.${opts.canEdit ? ' Plan one with the button above.' : ''}
        </p>`
  }`;
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

type FieldName = Exclude<keyof StormForm, 'targetIds' | 'variants'>;

function fieldError(errors: Errors, key: string): SafeHtml | '' {
  return errors[key] ? html`<p class="error-message" id="sf-${key}-error">${errors[key]}</p>` : '';
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

function input(
  name: FieldName,
  label: string,
  value: string,
  errors: Errors,
  attrs: { max?: number; type?: string; hint?: string; required?: boolean } = {},
) {
  const id = `sf-${name}`;
  return html`<div class="${errors[name] ? 'field field-error' : 'field'}">
    <label for="${id}">${label}</label>
    ${attrs.hint ? html`<span class="hint">${attrs.hint}</span>` : ''}
    <input
      id="${id}"
      name="${name}"
      type="${attrs.type ?? 'text'}"
      value="${value}"
      ${attrs.max ? html`maxlength="${attrs.max}"` : ''}
      ${attrs.required ? 'required' : ''}
      ${errors[name] ? html`aria-invalid="true" aria-describedby="sf-${name}-error"` : ''}
    />
    ${fieldError(errors, name)}
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
      ${input('title', 'Title', f.title, e, { max: TITLE_MAX_LENGTH, required: true })}
      ${flaggedBlock(opts.flagged, 'title')}
      ${input('slug', 'Web address', f.slug, e, { max: SLUG_MAX_LENGTH, hint: 'The end of /storms/… Leave empty to make one from the title.' })}
      <div class="${e.description ? 'field field-error' : 'field'}">
        <label for="sf-description">Description <small>(optional)</small></label>
        <span class="hint"
          >Why we post, shown above the suggested posts. Plain text; links work.</span
        >
        <textarea
          id="sf-description"
          name="description"
          rows="4"
          maxlength="${DESCRIPTION_MAX_LENGTH}"
        >
${f.description}</textarea>
        ${fieldError(e, 'description')} ${flaggedBlock(opts.flagged, 'description')}
      </div>
      ${input('startsAt', 'Starts (UK time)', f.startsAt, e, { type: 'datetime-local', required: true })}
      ${input('endsAt', 'Ends (UK time)', f.endsAt, e, { type: 'datetime-local', required: true })}
      ${input('hashtag', 'Hashtag', f.hashtag, e, { max: HASHTAG_MAX_LENGTH + 1, required: true, hint: 'Like #SaveOurLibraries: letters, digits and underscores.' })}
      ${input('linkUrl', 'Link to include (optional)', f.linkUrl, e, { type: 'url', max: LINK_MAX_LENGTH, hint: 'Added to every post that does not have it, e.g. your petition.' })}
      <fieldset class="storm-targets-picker">
        <legend>Targets</legend>
        <p class="hint">
          Their handles are added to each post on the platform they use. At most ${MAX_TARGETS}.
        </p>
        <div class="${e.targetListId ? 'field field-error' : 'field'}">
          <label for="sf-targetListId">Target list</label>
          <select id="sf-targetListId" name="targetListId">
            <option value="">No targets from a list</option>
            ${opts.lists.map((l) => html`<option value="${l.id}" ${String(l.id) === f.targetListId ? 'selected' : ''}>${l.name} (${l.targetCount})</option>`)}
          </select>
          ${fieldError(e, 'targetListId')}
        </div>
        <div class="field">
          <label for="sf-targetQuery">Find targets by name, constituency or role</label>
          <input
            id="sf-targetQuery"
            name="targetQuery"
            type="search"
            value="${opts.targetQuery}"
            maxlength="100"
          />
        </div>
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
                        <label class="storm-check"
                          ><input
                            type="checkbox"
                            name="targetIds"
                            value="${t.id}"
                            ${chosen.has(String(t.id)) ? 'checked' : ''}
                          />
                          ${targetLabel(t)}</label
                        >
                      </li>`,
                  )}
                </ul>
                ${fieldError(e, 'targetIds')}
              </div>`
            : e.targetIds
              ? fieldError(e, 'targetIds')
              : ''
        }
        <div class="${e.handles ? 'field field-error' : 'field'}">
          <label for="sf-handles">Other handles <small>(optional)</small></label>
          <span class="hint"
            >One per line: @name for X, name.bsky.social for Bluesky, @name@server for
            Mastodon.</span
          >
          <textarea id="sf-handles" name="handles" rows="3">${f.handles}</textarea>
          ${fieldError(e, 'handles')}
        </div>
      </fieldset>
      <fieldset class="storm-variants">
        <legend>Suggested posts</legend>
        <p class="hint">
          Write several: each supporter is offered one at random, so the storm does not look like
          copies. Each must pass the civility guard and fit every platform once the handles, hashtag
          and link are added. Save to get more boxes (up to ${MAX_VARIANTS}).
        </p>
        ${e.variants ? html`<p class="error-message">${e.variants}</p>` : ''}
        ${variants.map((text, i) => {
          const key = variantKey(i + 1);
          return html`<div class="${e[key] ? 'field field-error' : 'field'}">
            <label for="sf-${key}">Suggestion ${i + 1}</label>
            <textarea id="sf-${key}" name="variants" rows="3" maxlength="${VARIANT_MAX_LENGTH}">
${text}</textarea>
            ${fieldError(e, key)} ${flaggedBlock(opts.flagged, key)}
          </div>`;
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
  const actions = (
    Object.entries(STATUS_ACTIONS) as [StatusAction, (typeof STATUS_ACTIONS)[StatusAction]][]
  ).filter(([, rule]) => rule.from === s.status);
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
      <dd>${opts.posts.toLocaleString('en-GB')} · <a href="${adminBase(s)}/report">Report</a></dd>
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
              ${actions.map(
                ([action, rule]) =>
                  html`<form method="post" action="${adminBase(s)}/status" class="inline-form">
                    ${csrfField(opts.csrf)}<input type="hidden" name="action" value="${action}" />
                    <button type="submit">${rule.label}</button>
                  </form>`,
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
    <h2>By suggestion</h2>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Suggestion</th>
            <th scope="col" class="num">Posts</th>
            <th scope="col" class="num">Share</th>
            <th scope="col" class="num">Edited first</th>
          </tr>
        </thead>
        <tbody>
          ${report.byVariant.map(
            (v) =>
              html`<tr>
                <td>
                  <strong>${v.variant}.</strong>
                  ${v.text ?? html`<em>(removed since)</em>`}
                </td>
                <td class="num">${v.posts.toLocaleString('en-GB')}</td>
                <td class="num">${pct(v.posts)}</td>
                <td class="num">${v.edited.toLocaleString('en-GB')}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <h2>By platform</h2>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Platform</th>
            <th scope="col" class="num">Posts</th>
            <th scope="col" class="num">Share</th>
          </tr>
        </thead>
        <tbody>
          ${report.byPlatform.map(
            (p) =>
              html`<tr>
                <td>${PLATFORM_LABELS[p.platform]}</td>
                <td class="num">${p.posts.toLocaleString('en-GB')}</td>
                <td class="num">${pct(p.posts)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
}
