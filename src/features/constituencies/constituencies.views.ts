import { type SafeHtml, html } from '../../infra/html/html.js';
import type { Constituency, PostcodeLookup } from './constituency-directory.service.js';
import type { ConstituencyProfile, MemberOfParliament } from './constituencies.service.js';
import { majoritySentence } from './constituencies.service.js';
import type { ElectionResult } from './constituencies.repository.js';
import { describeResult, partyName } from './parties.js';
import { POSTCODE_INPUT_MAX_LENGTH } from '../../infra/validation/postcode.js';

export const SEARCH_QUERY_MAX_LENGTH = 100;

export const BOUNDARY_NOTE =
  'Constituencies, codes and results are for the 2010–2019 Westminster boundaries (650 seats), as used at the 2017 and 2019 general elections. The 2024 election used new boundaries, which are not covered here.';

export const DATA_ATTRIBUTION =
  'Election results: House of Commons Library, Open Parliament Licence v3.0. Postcode districts: contains OS data © Crown copyright and database right; contains Royal Mail data © Royal Mail copyright and database right; source: Office for National Statistics licensed under the OGL v3.0.';

/** Where a chosen constituency leads, and where the name search is sent. */
export interface ChooserOptions {
  /** The link for choosing a constituency, e.g. code => `/find-your-mp?constituency=${code}`. */
  link: (code: string) => string;
  /** GET action of the search-by-name form. */
  searchAction: string;
  /** Query parameter of the search form; default "q". */
  searchParam?: string;
  /** Carried through the search form (e.g. a petition's slug). */
  hiddenFields?: Record<string, string>;
}

function sharePercent(share: number): string {
  return share >= 0.995 ? 'all' : share < 0.01 ? 'under 1%' : `about ${Math.round(share * 100)}%`;
}

export function renderPostcodeForm(opts: {
  action: string;
  value?: string;
  label?: string;
  hiddenFields?: Record<string, string>;
}): SafeHtml {
  return html`<form method="get" action="${opts.action}" class="postcode-form">
    ${Object.entries(opts.hiddenFields ?? {}).map(
      ([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`,
    )}
    <label for="postcode">${opts.label ?? 'Your postcode'}</label>
    <div class="postcode-row">
      <input
        id="postcode"
        name="postcode"
        type="text"
        inputmode="text"
        autocomplete="postal-code"
        autocapitalize="characters"
        spellcheck="false"
        maxlength="${POSTCODE_INPUT_MAX_LENGTH}"
        placeholder="LS28 5AB"
        value="${opts.value ?? ''}"
        required
      />
      <button type="submit">Find</button>
    </div>
  </form>`;
}

export function renderSearchForm(options: ChooserOptions, value = ''): SafeHtml {
  const param = options.searchParam ?? 'q';
  return html`<form method="get" action="${options.searchAction}" class="constituency-search">
    ${Object.entries(options.hiddenFields ?? {}).map(
      ([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`,
    )}
    <label for="constituency-q">Find your constituency by name</label>
    <div class="postcode-row">
      <input
        id="constituency-q"
        name="${param}"
        type="search"
        maxlength="${SEARCH_QUERY_MAX_LENGTH}"
        placeholder="e.g. Leeds"
        value="${value}"
      />
      <button type="submit">Search</button>
    </div>
  </form>`;
}

function choiceList(
  items: { code: string; name: string; detail: string }[],
  options: ChooserOptions,
): SafeHtml {
  return html`<ul class="constituency-choices">
    ${items.map(
      (c) =>
        html`<li>
          <a href="${options.link(c.code)}">${c.name}</a>
          <small>${c.detail}</small>
        </li>`,
    )}
  </ul>`;
}

/**
 * The reusable "which constituency is yours?" block for any postcode lookup: one link when the
 * district lies in one constituency, a choice with shares when it is split, and the message plus
 * a search-by-name form when the postcode is invalid or unknown. Petitions and letters use it with
 * their own links.
 */
export function renderConstituencyChooser(
  lookup: PostcodeLookup,
  options: ChooserOptions,
): SafeHtml {
  if (lookup.status !== 'found') {
    return html`<section class="constituency-chooser">
      <p class="flash flash-error" role="alert">${lookup.message}</p>
      ${renderSearchForm(options)}
    </section>`;
  }
  const { outcode, candidates } = lookup;
  const items = candidates.map((c) => ({
    code: c.code,
    name: c.name,
    detail: `${c.region}: ${sharePercent(c.share)} of ${outcode} postcodes`,
  }));
  if (candidates.length === 1) {
    return html`<section class="constituency-chooser">
      <p>${lookup.postcode} is in this constituency:</p>
      ${choiceList(items, options)}
    </section>`;
  }
  return html`<section class="constituency-chooser">
    <h2>Your postcode district ${outcode} is split between these constituencies: choose yours</h2>
    ${choiceList(items, options)}
    <p class="hint">
      Shares are of the district's postcodes. Not sure? Search by name, or check your council's
      polling card.
    </p>
    ${renderSearchForm(options)}
  </section>`;
}

/** Results of a search by name, each a link to choose it. */
export function renderConstituencySearchResults(
  q: string,
  results: Constituency[],
  options: ChooserOptions,
): SafeHtml {
  return html`<section class="constituency-chooser">
    ${renderSearchForm(options, q)}
    ${
      q.trim() === ''
        ? ''
        : results.length === 0
          ? html`<p role="status">No constituency name contains “${q}”.</p>`
          : html`<p role="status">
                ${results.length}
                ${results.length === 1 ? 'constituency matches' : 'constituencies match'} “${q}”:
              </p>
              ${choiceList(
                results.map((c) => ({ code: c.code, name: c.name, detail: c.region })),
                options,
              )}`
    }
  </section>`;
}

function handleLink(kind: 'twitter' | 'bluesky' | 'mastodon' | 'facebook', value: string) {
  if (/^https?:\/\//i.test(value)) return value;
  const handle = value.replace(/^@/, '');
  switch (kind) {
    case 'twitter':
      return `https://twitter.com/${encodeURIComponent(handle)}`;
    case 'bluesky':
      return `https://bsky.app/profile/${encodeURIComponent(handle)}`;
    case 'facebook':
      return `https://www.facebook.com/${encodeURIComponent(handle)}`;
    case 'mastodon': {
      const [user, host] = handle.split('@');
      return user && host && /^[a-z0-9.-]+$/i.test(host)
        ? `https://${host}/@${encodeURIComponent(user)}`
        : null;
    }
  }
}

function renderMp(mp: MemberOfParliament | null): SafeHtml {
  if (!mp) return html`<p>We have no MP on record for this constituency.</p>`;
  const contacts: SafeHtml[] = [];
  if (mp.email) contacts.push(html`<li>Email: <a href="mailto:${mp.email}">${mp.email}</a></li>`);
  if (mp.phone)
    contacts.push(
      html`<li>Phone: <a href="tel:${mp.phone.replace(/[^\d+]/g, '')}">${mp.phone}</a></li>`,
    );
  for (const [kind, label] of [
    ['twitter', 'X / Twitter'],
    ['bluesky', 'Bluesky'],
    ['mastodon', 'Mastodon'],
    ['facebook', 'Facebook'],
  ] as const) {
    const value = mp[kind];
    if (!value) continue;
    const href = handleLink(kind, value);
    const shown =
      (kind === 'twitter' || kind === 'bluesky') && !/^(https?:\/\/|@)/i.test(value)
        ? `@${value}`
        : value;
    contacts.push(
      href
        ? html`<li>${label}: <a href="${href}" rel="noopener">${shown}</a></li>`
        : html`<li>${label}: ${shown}</li>`,
    );
  }
  return html`<div class="mp">
    <p class="mp-name"><strong>${mp.name}</strong>${mp.party ? html` · ${mp.party}` : ''}</p>
    ${mp.source === 'ge2019' ? html`<p class="hint">Elected at the 2019 general election.</p>` : ''}
    ${
      contacts.length
        ? html`<ul class="mp-contacts">
            ${contacts}
          </ul>`
        : ''
    }
  </div>`;
}

function turnoutText(r: ElectionResult): string {
  return `${(r.turnout * 100).toFixed(1)}%`;
}

export function renderResultsSummary(results: ElectionResult[]): SafeHtml {
  if (results.length === 0) return html``;
  return html`<ul class="results-summary">
    ${results.map(
      (r) => html`<li>${majoritySentence(r)} <small>(turnout ${turnoutText(r)})</small></li>`,
    )}
  </ul>`;
}

/** One constituency with its MP and the 2017/2019 results summary. */
export function renderConstituencyCard(
  profile: ConstituencyProfile,
  opts: { detailsLink?: string } = {},
): SafeHtml {
  const { constituency: c, mp, results } = profile;
  return html`<article class="card constituency-card">
    <h2>${c.name}</h2>
    <p class="hint">${c.region}${c.region === c.country ? '' : `, ${c.country}`} · ${c.code}</p>
    <h3>Your MP</h3>
    ${renderMp(mp)}
    <h3>Recent results</h3>
    ${renderResultsSummary(results)}
    ${opts.detailsLink ? html`<p><a href="${opts.detailsLink}">Full results for ${c.name}</a></p>` : ''}
  </article>`;
}

function resultTable(r: ElectionResult): SafeHtml {
  const percent = (n: number) => (r.validVotes ? `${((n / r.validVotes) * 100).toFixed(1)}%` : '');
  return html`<section class="election-result">
    <h3>${r.year} general election</h3>
    <p>
      ${majoritySentence(r)}.${r.winnerName ? html` Elected: ${r.winnerName}.` : ''}
      ${describeResult(r.result)}.
    </p>
    <div class="table-wrap">
      <table>
        <caption>
          Votes per party, ${r.year}
        </caption>
        <thead>
          <tr>
            <th scope="col">Party</th>
            <th scope="col" class="num">Votes</th>
            <th scope="col" class="num">Share</th>
          </tr>
        </thead>
        <tbody>
          ${r.votes.map(
            (v) =>
              html`<tr>
                <th scope="row">${partyName(v.party)}</th>
                <td class="num">${v.votes.toLocaleString('en-GB')}</td>
                <td class="num">${percent(v.votes)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <p class="hint">
      Electorate ${r.electorate.toLocaleString('en-GB')}, turnout ${turnoutText(r)}, valid votes
      ${r.validVotes.toLocaleString('en-GB')}, rejected ballots
      ${r.invalidVotes.toLocaleString('en-GB')}.
    </p>
  </section>`;
}

/** The public /constituencies/:code page body. */
export function renderConstituencyPage(profile: ConstituencyProfile): SafeHtml {
  const c = profile.constituency;
  return html`<h1>${c.name}</h1>
    <p class="hint">
      ${c.type} constituency in ${c.county},
      ${c.region}${c.region === c.country ? '' : `, ${c.country}`} · ${c.code}
    </p>
    <h2>MP</h2>
    ${renderMp(profile.mp)} ${profile.results.map(resultTable)}
    <p><a href="/find-your-mp">Find another MP by postcode</a></p>
    ${renderDataNotes()}`;
}

export function renderDataNotes(): SafeHtml {
  return html`<aside class="data-notes">
    <p>${BOUNDARY_NOTE}</p>
    <p>${DATA_ATTRIBUTION}</p>
  </aside>`;
}

export interface AdminListRow {
  constituency: Constituency;
  ge2017?: ElectionResult | undefined;
  ge2019?: ElectionResult | undefined;
}

export function renderAdminList(opts: {
  rows: AdminListRow[];
  regions: string[];
  region: string;
  q: string;
  total: number;
}): SafeHtml {
  const majority = (r?: ElectionResult) =>
    r ? html`${partyName(r.firstParty)} ${r.majority.toLocaleString('en-GB')}` : '–';
  return html`<form method="get" action="/admin/constituencies" class="filters">
      <label
        >Region
        <select name="region">
          <option value="">All regions</option>
          ${opts.regions.map(
            (r) =>
              html`<option value="${r}" ${r === opts.region ? html`selected` : ''}>${r}</option>`,
          )}
        </select>
      </label>
      <label
        >Name
        <input type="search" name="q" value="${opts.q}" maxlength="${SEARCH_QUERY_MAX_LENGTH}" />
      </label>
      <button type="submit">Filter</button>
    </form>
    <p role="status">${opts.rows.length} of ${opts.total} constituencies.</p>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Constituency</th>
            <th scope="col">Region</th>
            <th scope="col">2017 majority</th>
            <th scope="col">2019 majority</th>
          </tr>
        </thead>
        <tbody>
          ${opts.rows.map(
            (row) =>
              html`<tr>
                <th scope="row">
                  <a href="/constituencies/${row.constituency.code}">${row.constituency.name}</a>
                  <small>${row.constituency.code}</small>
                </th>
                <td>${row.constituency.region}</td>
                <td>${majority(row.ge2017)}</td>
                <td>${majority(row.ge2019)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <p class="hint">${BOUNDARY_NOTE}</p>`;
}
