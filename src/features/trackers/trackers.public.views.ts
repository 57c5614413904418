import { selectOptions } from '../../infra/html/form-controls.js';
import { type SafeHtml, html } from '../../infra/html/html.js';
import { linkifyText } from '../../infra/html/linkify.js';
import type { Board, BoardEntry, BoardFilters, Tracker } from './trackers.service.js';

/** The public script's polling period; the page says it so the script needs no constant. */
export const LIVE_POLL_MS = 10_000;

export function boardPath(tracker: Pick<Tracker, 'slug'>): string {
  return `/trackers/${tracker.slug}`;
}

const DATE_FORMAT = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "3 Mar 2025": the same text public/js/trackers.js writes when a status changes. */
export function formatDate(iso: string): string {
  return DATE_FORMAT.format(new Date(iso));
}

export interface Handle {
  label: string;
  service: string;
  url: string;
}

/** A target's social-media handles as profile links (targets stores them normalised). */
export function handlesOf(e: Pick<BoardEntry, 'twitter' | 'bluesky' | 'mastodon'>): Handle[] {
  const out: Handle[] = [];
  if (e.twitter)
    out.push({
      service: 'X',
      label: `@${e.twitter}`,
      url: `https://x.com/${encodeURIComponent(e.twitter)}`,
    });
  if (e.bluesky)
    out.push({
      service: 'Bluesky',
      label: `@${e.bluesky}`,
      url: `https://bsky.app/profile/${encodeURIComponent(e.bluesky)}`,
    });
  const mastodon = e.mastodon ? /^@([^@]+)@([^@]+)$/.exec(e.mastodon) : null;
  if (e.mastodon && mastodon)
    out.push({
      service: 'Mastodon',
      label: e.mastodon,
      url: `https://${mastodon[2]}/@${encodeURIComponent(mastodon[1] ?? '')}`,
    });
  return out;
}

export interface ContactLinks {
  letter: string | null;
  storm: string | null;
}

/** Where "contact them" leads: the linked letter campaign (aimed at this target) and storm. */
export function contactLinks(tracker: Tracker, targetId: number, base = ''): ContactLinks {
  return {
    letter: tracker.letterSlug ? `${base}/letters/${tracker.letterSlug}?target=${targetId}` : null,
    storm: tracker.stormSlug ? `${base}/storms/${tracker.stormSlug}` : null,
  };
}

export function describeTarget(e: BoardEntry): string {
  return [e.party, e.divisionName, e.region].filter(Boolean).join(' · ');
}

function progress(board: Board): SafeHtml {
  const { tracker, count } = board;
  const reached = count >= tracker.threshold;
  return html`<section class="tk-progress" aria-labelledby="tk-count">
    <p id="tk-count" class="tk-count" aria-live="polite">
      <strong data-tk-count>${count.toLocaleString('en-GB')}</strong>
      ${tracker.countNoun} of the ${tracker.threshold.toLocaleString('en-GB')} needed
    </p>
    <progress
      max="${tracker.threshold}"
      value="${Math.min(count, tracker.threshold)}"
      aria-labelledby="tk-count"
      data-tk-progress
    >
      ${Math.floor((Math.min(count, tracker.threshold) / tracker.threshold) * 100)}%
    </progress>
    <p class="tk-reached" data-tk-reached ${reached ? '' : html`hidden`}>
      The threshold is reached.
    </p>
  </section>`;
}

function statusSummary(board: Board): SafeHtml {
  return html`<ul class="tk-summary" aria-label="Targets by status">
    ${board.statusCounts.map(
      (s) =>
        html`<li>
          <span class="${s.counts ? 'badge badge-ok' : 'badge'}">${s.status}</span>
          <span data-tk-status-count="${s.status}">${s.targets}</span>
        </li>`,
    )}
  </ul>`;
}

function select(name: string, label: string, value: string, options: string[]): SafeHtml {
  return html`<div>
    <label for="tk-f-${name}">${label}</label>
    <select id="tk-f-${name}" name="${name}">
      <option value="">All</option>
      ${selectOptions(
        options.map((o) => ({ value: o, label: o })),
        value,
      )}
    </select>
  </div>`;
}

export function filterForm(board: Board, filters: BoardFilters, action: string): SafeHtml {
  const active = filters.party || filters.region || filters.status;
  return html`<form method="get" action="${action}" class="filters" role="search">
    ${board.parties.length > 1 ? select('party', 'Party', filters.party, board.parties) : ''}
    ${board.regions.length > 1 ? select('region', 'Region', filters.region, board.regions) : ''}
    ${select('status', 'Status', filters.status, board.tracker.statuses)}
    <button type="submit">Show</button>
    ${active ? html`<a href="${action}">Show all</a>` : ''}
  </form>`;
}

/** Status, since when, and the evidence link: the parts the live script rewrites. */
export function stateLine(e: BoardEntry): SafeHtml {
  return html`<p class="tk-state">
    <span class="${e.counts ? 'badge badge-ok' : 'badge'}" data-tk-status>${e.status}</span>
    <span data-tk-when ${e.changedAt ? '' : html`hidden`}
      >since
      <time data-tk-date datetime="${e.changedAt ?? ''}"
        >${e.changedAt ? formatDate(e.changedAt) : ''}</time
      ></span
    >
    <a
      data-tk-evidence
      ${e.evidenceUrl ? html`href="${e.evidenceUrl}"` : html`hidden`}
      rel="noopener noreferrer nofollow"
      >Evidence</a
    >
  </p>`;
}

function card(board: Board, e: BoardEntry): SafeHtml {
  const contact = contactLinks(board.tracker, e.targetId);
  const handles = handlesOf(e);
  return html`<li class="card tk-card" data-tk-target="${e.targetId}">
    <h3>${e.name}</h3>
    <p class="tk-meta">${describeTarget(e)}</p>
    ${stateLine(e)}
    ${
      handles.length
        ? html`<ul class="tk-handles" aria-label="${e.name} online">
            ${handles.map(
              (h) =>
                html`<li>
                  <a href="${h.url}" rel="noopener noreferrer"
                    ><span class="tk-service">${h.service}</span> ${h.label}</a
                  >
                </li>`,
            )}
          </ul>`
        : ''
    }
    ${
      contact.letter || contact.storm
        ? html`<p class="tk-contact">
            ${
              contact.letter
                ? html`<a class="button" href="${contact.letter}"
                    >Write to ${e.name}<span class="tk-sr"> (contact them)</span></a
                  >`
                : ''
            }
            ${
              contact.storm
                ? html`<a class="button secondary" href="${contact.storm}"
                    >Post to ${e.name}<span class="tk-sr"> (join the storm)</span></a
                  >`
                : ''
            }
          </p>`
        : ''
    }
  </li>`;
}

export function boardPage(opts: {
  board: Board;
  entries: BoardEntry[];
  filters: BoardFilters;
}): SafeHtml {
  const { board, entries, filters } = opts;
  const { tracker } = board;
  return html`<article
    class="tk-board"
    data-tk-src="${boardPath(tracker)}.json"
    data-tk-poll-ms="${LIVE_POLL_MS}"
  >
    <p class="tk-kind">Tracker</p>
    <h1>${tracker.title}</h1>
    ${
      tracker.description
        ? html`<div class="tk-description">
            ${tracker.description.split(/\n{2,}/).map((p) => html`<p>${linkifyText(p)}</p>`)}
          </div>`
        : ''
    }
    ${progress(board)} ${statusSummary(board)}
    <h2>Who stands where</h2>
    ${filterForm(board, filters, boardPath(tracker))}
    <p class="tk-shown" role="status">
      Showing ${entries.length.toLocaleString('en-GB')} of
      ${board.entries.length.toLocaleString('en-GB')} targets.
    </p>
    ${
      entries.length
        ? html`<ul class="tk-cards" aria-label="Targets">
            ${entries.map((e) => card(board, e))}
          </ul>`
        : html`<p class="empty">No targets match these filters.</p>`
    }
    <p class="tk-data">
      Open data: <a href="${boardPath(tracker)}.json">${boardPath(tracker)}.json</a> (updated live).
    </p>
  </article>`;
}

export function trackerIndex(boards: Board[]): SafeHtml {
  return html`<h1>Trackers</h1>
    ${
      boards.length
        ? html`<ul class="cards">
            ${boards.map(
              (b) =>
                html`<li class="card">
                  <h2><a href="${boardPath(b.tracker)}">${b.tracker.title}</a></h2>
                  <p>
                    <strong>${b.count.toLocaleString('en-GB')}</strong> ${b.tracker.countNoun} of
                    the ${b.tracker.threshold.toLocaleString('en-GB')} needed
                  </p>
                  <progress
                    max="${b.tracker.threshold}"
                    value="${Math.min(b.count, b.tracker.threshold)}"
                    aria-label="${b.tracker.title}: ${b.count} of ${b.tracker.threshold}"
                  >
                    ${b.count} of ${b.tracker.threshold}
                  </progress>
                </li>`,
            )}
          </ul>`
        : html`<p class="empty">No trackers yet.</p>`
    }`;
}

/** The open-data shape of /trackers/:slug.json. */
export function boardJson(board: Board, baseUrl: string) {
  const { tracker } = board;
  return {
    slug: tracker.slug,
    title: tracker.title,
    description: tracker.description,
    url: `${baseUrl}${boardPath(tracker)}`,
    count: board.count,
    threshold: tracker.threshold,
    count_noun: tracker.countNoun,
    threshold_reached: board.count >= tracker.threshold,
    counting_statuses: tracker.countingStatuses,
    statuses: board.statusCounts.map((s) => ({
      status: s.status,
      counts: s.counts,
      targets: s.targets,
    })),
    updated_at: board.updatedAt,
    targets: board.entries.map((e) => ({
      id: e.targetId,
      name: e.name,
      role: e.role,
      party: e.party,
      division: { type: e.divisionType, code: e.divisionCode, name: e.divisionName },
      region: e.region,
      status: e.status,
      counts: e.counts,
      evidence_url: e.evidenceUrl,
      changed_at: e.changedAt,
      handles: { twitter: e.twitter, bluesky: e.bluesky, mastodon: e.mastodon },
      contact: contactLinks(tracker, e.targetId, baseUrl),
    })),
  };
}
