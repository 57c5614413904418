import { confirmButtonPage } from '../../infra/html/confirm-button.js';
import { type SafeHtml, html } from '../../infra/html/html.js';
import { linkifyText } from '../../infra/html/linkify.js';
import { sourceField } from '../../infra/http/attribution.js';
import type { CivilityReason, CivilitySpan } from '../civility/civility.service.js';
import { civilityReasons, highlight } from '../civility/civility.views.js';
import { formatLondon, formatLondonRange } from '../../infra/clock/london-time.js';
import { CONSENT_WORDING, stormPath } from './posting.service.js';
import type { StormRow } from './storms.repository.js';
import { VARIANT_MAX_LENGTH } from './storms.rules.js';
import type { StormSnapshot } from './storms.runtime.js';
import type { Phase } from './storms.service.js';
import {
  PLATFORM_LIMITS,
  type PostParts,
  TEXT_PLATFORMS,
  composePost,
  facebookShareUrl,
  intentUrl,
  postLength,
} from './storm-text.js';
import { STORM_PLATFORMS } from './storms.tables.js';

const SHORT_LABELS = { x: 'X', bluesky: 'Bluesky', mastodon: 'Mastodon', facebook: 'Facebook' };

const plural = (n: number, one: string, many: string) =>
  `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;

/** "2 days and 3 hours", "3 hours and 5 minutes", "less than a minute". */
export function humanDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'less than a minute';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts =
    days > 0
      ? [plural(days, 'day', 'days'), hours ? plural(hours, 'hour', 'hours') : '']
      : [
          hours ? plural(hours, 'hour', 'hours') : '',
          mins ? plural(mins, 'minute', 'minutes') : '',
        ];
  return parts.filter(Boolean).join(' and ');
}

function paragraphs(text: string): SafeHtml {
  return html`${text
    .split(/\n{2,}/)
    .filter((p) => p.trim())
    .map((p) => html`<p>${linkifyText(p)}</p>`)}`;
}

/** Words for copying or for a platform Rally cannot address: no handles. */
export function plainParts(parts: PostParts): PostParts {
  return { ...parts, mentions: { x: [], bluesky: [], mastodon: [] } };
}

function targetList(snapshot: StormSnapshot): SafeHtml | '' {
  const { targets } = snapshot;
  if (!targets.length) return '';
  return html`<section class="storm-targets" aria-labelledby="storm-targets-h">
    <h2 id="storm-targets-h">Who we are asking</h2>
    <ul>
      ${targets.map(
        (t) =>
          html`<li>
            ${t.name ? html`<strong>${t.name}</strong>${t.role ? html` <small>${t.role}</small>` : ''}` : ''}
            ${t.handles.map((h) => html` <span class="storm-handle">${h.mention} <small>(${SHORT_LABELS[h.platform]})</small></span>`)}
          </li>`,
      )}
    </ul>
  </section>`;
}

function lengths(text: string, parts: PostParts): SafeHtml {
  return html`<ul class="storm-lengths" id="storm-lengths">
    ${TEXT_PLATFORMS.map((platform) => {
      const length = postLength(composePost(text, parts, platform), platform);
      const limit = PLATFORM_LIMITS[platform];
      return html`<li data-length="${platform}" class="${length > limit ? 'storm-over' : ''}">
        ${SHORT_LABELS[platform]}: <span data-length-value>${length}</span> of ${limit} characters
      </li>`;
    })}
  </ul>`;
}

function composeSection(snapshot: StormSnapshot, variant: number, pageUrl: string): SafeHtml {
  const { storm, variants, parts } = snapshot;
  const text = variants[variant - 1] ?? '';
  const path = stormPath(storm);
  const next = (variant % variants.length) + 1;
  const added = [
    ...new Set([...parts.mentions.x, ...parts.mentions.bluesky, ...parts.mentions.mastodon]),
  ].length;
  return html`<section class="storm-compose" aria-labelledby="storm-step-words">
    <h2 id="storm-step-words">1. Choose your words</h2>
    <p class="storm-variant-nav">
      Suggestion ${variant} of ${variants.length}.
      ${variants.length > 1 ? html`<a href="${path}?variant=${next}" data-storm-next>Another suggestion</a>` : ''}
    </p>
    <form
      method="get"
      action="${path}/mastodon"
      class="stack storm-form"
      data-storm-form
      data-check-url="${path}/check"
      data-hashtag="${parts.hashtag}"
      data-link="${parts.link ?? ''}"
      data-mentions="${JSON.stringify(parts.mentions)}"
    >
      <input type="hidden" name="variant" value="${variant}" />
      <div class="field">
        <label for="storm-text">Your post</label>
        <span class="hint" id="storm-text-hint"
          >Make it your own if you like. For each platform Rally adds
          ${added ? `the targets' handles, ` : ''}#${parts.hashtag}${parts.link ? ' and the link' : ''}
          when your words do not have them.</span
        >
        <textarea
          id="storm-text"
          name="text"
          rows="5"
          maxlength="${VARIANT_MAX_LENGTH}"
          aria-describedby="storm-text-hint storm-lengths"
          data-storm-text
          data-suggested="${text}"
        >
${text}</textarea>
      </div>
      ${lengths(text, parts)}
      <div class="storm-civility" data-storm-civility role="status" aria-live="polite"></div>
      <h2 id="storm-step-post">2. Post it</h2>
      <ul class="storm-intents" aria-labelledby="storm-step-post">
        ${(['x', 'bluesky'] as const).map(
          (platform) =>
            html`<li>
              <a
                class="button"
                data-intent="${platform}"
                href="${intentUrl(platform, composePost(text, parts, platform))}"
                target="_blank"
                rel="noopener"
                >Post on ${SHORT_LABELS[platform]}</a
              >
            </li>`,
        )}
        <li>
          <a
            class="button secondary"
            data-intent="facebook"
            href="${facebookShareUrl(pageUrl)}"
            target="_blank"
            rel="noopener"
            >Share on Facebook</a
          >
          <span class="hint"
            >Facebook takes only the link: copy your words first, then paste them.</span
          >
        </li>
        <li>
          <button
            type="button"
            class="secondary"
            data-storm-copy
            data-copy-text="${composePost(text, plainParts(parts), 'x')}"
            hidden
          >
            Copy the words
          </button>
          <span class="storm-copied" data-storm-copied role="status"></span>
        </li>
      </ul>
      <fieldset class="storm-mastodon">
        <legend>Mastodon</legend>
        <label for="storm-instance">Your Mastodon server</label>
        <span class="hint" id="storm-instance-hint"
          >The address of your server, like mastodon.social or @you@mastodon.social.</span
        >
        <input
          id="storm-instance"
          name="instance"
          type="text"
          inputmode="url"
          autocomplete="off"
          autocapitalize="none"
          spellcheck="false"
          maxlength="300"
          required
          aria-describedby="storm-instance-hint"
          data-storm-instance
        />
        <button type="submit">Post on Mastodon</button>
      </fieldset>
    </form>
  </section>`;
}

function postedSection(snapshot: StormSnapshot, variant: number, count: number, formToken: string) {
  const { storm, variants } = snapshot;
  return html`<section class="storm-posted-section" aria-labelledby="storm-step-posted">
    <h2 id="storm-step-posted">3. Tell us you posted</h2>
    <p class="storm-count">
      <strong data-storm-count>${count.toLocaleString('en-GB')}</strong>
      <span>posts so far</span>
    </p>
    <form
      method="post"
      action="${stormPath(storm)}/posted"
      class="stack storm-posted"
      data-storm-posted
    >
      <input type="hidden" name="ft" value="${formToken}" />
      <input type="hidden" name="variant" value="${variant}" />
      ${sourceField(null)}
      <input
        type="hidden"
        name="text"
        value="${variants[variant - 1] ?? ''}"
        data-storm-posted-text
      />
      <input type="hidden" name="browser" value="" data-storm-browser />
      <div class="field">
        <label for="storm-email">Email <small>(optional)</small></label>
        <span class="hint" id="storm-email-hint"
          >We send a link to confirm it. Leave it empty to stay anonymous.</span
        >
        <input
          id="storm-email"
          name="email"
          type="email"
          autocomplete="email"
          maxlength="254"
          aria-describedby="storm-email-hint"
        />
      </div>
      <label class="storm-check"
        ><input type="checkbox" name="consent" value="1" /> ${CONSENT_WORDING}</label
      >
      <div class="storm-posted-buttons" role="group" aria-label="Where you posted">
        ${STORM_PLATFORMS.map(
          (platform) =>
            html`<button type="submit" name="platform" value="${platform}" class="secondary">
              I posted on ${SHORT_LABELS[platform]}
            </button>`,
        )}
      </div>
      <p class="storm-posted-status" data-storm-posted-status role="status"></p>
    </form>
  </section>`;
}

export function stormPage(opts: {
  snapshot: StormSnapshot;
  phase: Phase;
  now: number;
  count: number;
  variant: number;
  formToken: string;
  baseUrl: string;
}): SafeHtml {
  const { snapshot, phase, count } = opts;
  const { storm } = snapshot;
  const pageUrl = `${opts.baseUrl}${stormPath(storm)}`;
  return html`<article class="storm-page" data-storm="${stormPath(storm)}" data-phase="${phase}">
    <p class="storm-kind">Social media storm</p>
    <h1>${storm.title}</h1>
    <p class="storm-when">
      <time datetime="${storm.starts_at}"
        >${formatLondonRange(storm.starts_at, storm.ends_at)}</time
      >
      <small>(UK time)</small>
    </p>
    <p class="storm-hashtag">#${storm.hashtag}</p>
    ${storm.description ? html`<div class="storm-description">${paragraphs(storm.description)}</div>` : ''}
    ${
      phase === 'upcoming'
        ? html`<section class="storm-countdown" aria-labelledby="storm-countdown-h">
            <h2 id="storm-countdown-h">Starts in</h2>
            <p class="storm-countdown-time">
              <time datetime="${storm.starts_at}" data-storm-countdown data-now="${opts.now}"
                >${humanDuration(Date.parse(storm.starts_at) - opts.now)}</time
              >
            </p>
            <p class="hint">
              Come back then: the suggested posts and the buttons to post them appear here when the
              storm starts.
            </p>
          </section>`
        : phase === 'live'
          ? html`${composeSection(snapshot, opts.variant, pageUrl)}
            ${postedSection(snapshot, opts.variant, count, opts.formToken)}`
          : html`<section class="storm-ended">
              <h2>The storm is over</h2>
              <p>
                It ended on ${formatLondon(storm.ends_at)}. Thank you to everyone who took part:
                <strong data-storm-count>${count.toLocaleString('en-GB')}</strong>
                ${count === 1 ? 'post' : 'posts'}.
              </p>
            </section>`
    }
    ${targetList(snapshot)}
  </article>`;
}

export function stormIndex(groups: {
  live: StormRow[];
  upcoming: StormRow[];
  past: StormRow[];
}): SafeHtml {
  const section = (heading: string, storms: StormRow[]) =>
    storms.length
      ? html`<section>
          <h2>${heading}</h2>
          <ul class="storm-index">
            ${storms.map(
              (s) =>
                html`<li>
                  <a href="${stormPath(s)}">${s.title}</a>
                  <small>#${s.hashtag} · ${formatLondonRange(s.starts_at, s.ends_at)}</small>
                </li>`,
            )}
          </ul>
        </section>`
      : '';
  const empty = !groups.live.length && !groups.upcoming.length && !groups.past.length;
  return html`<h1>Social media storms</h1>
    <p>
      At a set time, many of us post about one issue with one hashtag, so the people we ask cannot
      miss it.
    </p>
    ${section('Happening now', groups.live)} ${section('Coming up', groups.upcoming)}
    ${section('Past storms', groups.past)}
    ${empty ? html`<p class="empty">There are no storms planned right now.</p>` : ''}`;
}

export function postedPage(opts: {
  storm: StormRow;
  count: number;
  mailed: boolean;
  variant: string;
}): SafeHtml {
  const back = `${stormPath(opts.storm)}${/^\d{1,2}$/.test(opts.variant) ? `?variant=${opts.variant}` : ''}`;
  return html`<section class="notice storm-thanks">
    <h1>Thank you for posting</h1>
    <p>
      <strong>${opts.count.toLocaleString('en-GB')}</strong> ${opts.count === 1 ? 'post' : 'posts'}
      so far with #${opts.storm.hashtag}.
    </p>
    ${opts.mailed ? html`<p>We have sent you an email: open the link in it to confirm your address.</p>` : ''}
    <p><a href="${back}">Back to the storm</a> to post on another platform too.</p>
  </section>`;
}

/** The guard's objection to someone's words, with the parts it objected to marked. */
export function civilityRefusal(
  text: string,
  spans: CivilitySpan[],
  reasons?: CivilityReason[],
): SafeHtml {
  return html`<blockquote class="civility-highlighted storm-refused">
      ${highlight(text, spans)}
    </blockquote>
    ${civilityReasons(reasons)}`;
}

export function mastodonInterstitial(instance: string, shareUrl: string): SafeHtml {
  return html`<section class="notice">
    <h1>Continue to Mastodon</h1>
    <p>You are about to leave Rally for your Mastodon server, <strong>${instance}</strong>.</p>
    <p>
      <a class="button" href="${shareUrl}" rel="noopener noreferrer">Continue to ${instance}</a>
    </p>
  </section>`;
}

export function confirmPostPage(storm: StormRow, action: string, csrf: string): SafeHtml {
  return confirmButtonPage({
    heading: 'Confirm your email',
    explanation: html`Press the button to confirm your email address for your post in the storm
      <a href="${stormPath(storm)}">${storm.title}</a>.`,
    action,
    token: { field: '_csrf', value: csrf },
    button: 'Confirm my email',
  });
}

export function confirmedPage(storm: StormRow, outcome: 'confirmed' | 'already'): SafeHtml {
  return html`<section class="notice storm-thanks">
    <h1>${outcome === 'confirmed' ? 'Your email is confirmed' : 'Already confirmed'}</h1>
    <p>
      ${outcome === 'confirmed' ? 'Thank you: your post in the storm is noted.' : 'This link has been used already. Thank you!'}
    </p>
    <p><a href="${stormPath(storm)}">Back to the storm</a></p>
  </section>`;
}
