import {
  checkboxField,
  csvFileField,
  errorNotice,
  postButton,
  selectField,
  textField,
} from '../../infra/html/form-controls.js';
import { type SafeHtml, csrfField, html } from '../../infra/html/html.js';
import { dataTable } from '../../infra/html/tables.js';
import { partyName } from '../constituencies/constituencies.service.js';
import {
  ELECTION_CSV_MAX_BYTES,
  ELECTION_NAME_MAX_LENGTH,
  type ImportedElection,
} from './elections.service.js';
import { MARGIN_BANDS, partyColour, renderHexMap } from './hexmap.js';
import type { SeatRanking, SeatStanding } from './seat-ranking.js';

export const SEAT_SORTS = ['swing', 'name', 'majority', 'turnout', 'region'] as const;
export type SeatSort = (typeof SEAT_SORTS)[number];

export const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;
const votes = (n: number) => n.toLocaleString('en-GB');

export function sortStandings(rows: SeatStanding[], sort: SeatSort, desc: boolean): SeatStanding[] {
  const key: Record<SeatSort, (a: SeatStanding, b: SeatStanding) => number> = {
    swing: (a, b) => a.swing - b.swing,
    majority: (a, b) => a.majority - b.majority,
    turnout: (a, b) => a.turnout - b.turnout,
    name: (a, b) => a.name.localeCompare(b.name, 'en-GB'),
    region: (a, b) => a.region.localeCompare(b.region, 'en-GB') || a.swing - b.swing,
  };
  const sorted = [...rows].sort(key[sort]);
  return desc ? sorted.reverse() : sorted;
}

export interface SeatsPageModel {
  ranking: SeatRanking;
  list: 'win' | 'defend';
  sort: SeatSort;
  desc: boolean;
  targets: Map<string, string>;
  csrf: string;
  canEdit: boolean;
  /** Every election the ranking can use, shipped first. */
  elections: string[];
  imported: ImportedElection[];
}

/** A legend square, drawn as SVG: the page's CSP allows no inline styles. */
function swatch(fill: string, opacity: number): SafeHtml {
  return html`<svg class="swatch" width="14" height="14" aria-hidden="true">
    <rect width="14" height="14" fill="${fill}" fill-opacity="${opacity}" stroke="#555" />
  </svg>`;
}

/** The hex map of every seat with its legend; the table beside it carries the same facts in text. */
export function hexMapFigure(ranking: SeatRanking, targets: Map<string, string>): SafeHtml {
  const all = new Map(
    [...ranking.win, ...ranking.defend, ...ranking.uncontested].map((s) => [s.code, s]),
  );
  const winners = [...new Set([...all.values()].map((s) => s.winner))].sort();
  const map = renderHexMap((code) => {
    const s = all.get(code);
    if (!s) return undefined;
    return {
      winner: s.winner,
      winnerMajorityShare: s.winnerMajorityShare,
      target: targets.has(code),
      title: `${s.name}: ${partyName(s.winner)}, majority ${pct(s.winnerMajorityShare)}${targets.has(code) ? ' (target)' : ''}`,
    };
  }, `Hex map of the 650 seats in ${ranking.election}, coloured by winner and shaded by marginality. The table below lists the same seats.`);
  return html`<figure class="hexmap-figure">
    ${map}
    <figcaption>
      <ul class="legend" aria-label="Legend">
        ${winners.map((p) => html`<li>${swatch(partyColour(p), 1)}${partyName(p)}</li>`)}
      </ul>
      <p>
        Shading by the winner's majority:
        ${MARGIN_BANDS.map((b, i) => html`${i > 0 ? ', ' : ''}${swatch('#555', b.opacity)} ${b.label}`)}.
        A dark outline marks the campaign's target seats.
      </p>
    </figcaption>
  </figure>`;
}

function sortLink(m: SeatsPageModel, sort: SeatSort, label: string): SafeHtml {
  const desc = m.sort === sort ? !m.desc : false;
  const href = `/admin/field/seats?party=${m.ranking.party}&election=${m.ranking.election}&list=${m.list}&sort=${sort}${desc ? '&dir=desc' : ''}`;
  const current = m.sort === sort ? (m.desc ? ' ▼' : ' ▲') : '';
  return html`<a
    href="${href}"
    aria-sort="${m.sort === sort ? (m.desc ? 'descending' : 'ascending') : 'none'}"
    >${label}${current}</a
  >`;
}

export function seatsTable(m: SeatsPageModel): SafeHtml {
  const rows = sortStandings(m.ranking[m.list], m.sort, m.desc);
  const rank = new Map(m.ranking[m.list].map((s, i) => [s.code, i + 1]));
  return dataTable({
    caption:
      m.list === 'win'
        ? 'Seats to win, smallest swing needed first'
        : 'Seats to defend, smallest majority first',
    className: 'seats',
    rows,
    rowAttributes: (s) => ({ 'data-code': s.code }),
    columns: [
      { label: 'Rank', numeric: true, cell: (s) => rank.get(s.code) },
      {
        label: sortLink(m, 'name', 'Seat'),
        rowHeader: true,
        cell: (s) => html`<a href="/constituencies/${s.code}">${s.name}</a>`,
      },
      { label: sortLink(m, 'region', 'Region'), cell: (s) => s.region },
      { label: m.list === 'win' ? 'Held by' : 'Runner-up', cell: (s) => partyName(s.opponent) },
      { label: sortLink(m, 'majority', 'Majority'), numeric: true, cell: (s) => votes(s.majority) },
      { label: 'Majority %', numeric: true, cell: (s) => pct(s.majorityShare, 2) },
      {
        label: sortLink(m, 'swing', m.list === 'win' ? 'Swing needed' : 'Swing to lose'),
        numeric: true,
        cell: (s) => pct(s.swing, 2),
      },
      { label: sortLink(m, 'turnout', 'Turnout'), numeric: true, cell: (s) => pct(s.turnout) },
      {
        label: 'Target',
        cell: (s) => {
          const note = m.targets.get(s.code);
          if (!m.canEdit)
            return note === undefined ? '' : html`Target${note ? html`: ${note}` : ''}`;
          return note === undefined
            ? html`<form
                method="post"
                action="/admin/field/seats/${s.code}/target"
                class="inline-form"
              >
                ${csrfField(m.csrf)}
                <label class="visually-hidden" for="note-${s.code}">Note for ${s.name}</label>
                <input id="note-${s.code}" name="note" maxlength="500" placeholder="Note" />
                <button type="submit" aria-label="Mark ${s.name} as a target">Mark target</button>
              </form>`
            : html`Target${note ? html`: ${note}` : ''}
              ${postButton({ action: `/admin/field/seats/${s.code}/untarget`, csrf: m.csrf, label: 'Unmark', buttonClass: 'link', ariaLabel: `Unmark ${s.name}` })}`;
        },
      },
    ],
  });
}

export function seatsPage(m: SeatsPageModel): SafeHtml {
  const party = partyName(m.ranking.party);
  const other = m.list === 'win' ? 'defend' : 'win';
  return html`<p>
      ${party} in ${m.ranking.election}: ${m.ranking.win.length} seats to win,
      ${m.ranking.defend.length} held. Swing is the two-party swing (half the gap, as a share of
      votes cast).
    </p>
    <form method="get" action="/admin/field/seats" class="filters">
      ${textField({ id: 'party', name: 'party', label: 'Party', value: m.ranking.party, maxLength: 20 })}
      ${selectField({ id: 'election', name: 'election', label: 'Election', value: String(m.ranking.election), options: m.elections.map((e) => ({ value: e, label: e })) })}
      <input type="hidden" name="list" value="${m.list}" />
      <button type="submit">Show</button>
    </form>
    ${
      m.canEdit
        ? html`<form method="post" action="/admin/field/plan" class="inline-form">
            ${csrfField(m.csrf)}<input
              type="hidden"
              name="party"
              value="${m.ranking.party}"
            /><input type="hidden" name="election" value="${m.ranking.election}" />
            <button type="submit" class="secondary">
              Plan the campaign on ${party} ${m.ranking.election}
            </button>
          </form>`
        : ''
    }
    ${hexMapFigure(m.ranking, m.targets)}
    <p>
      <a
        href="/admin/field/seats?party=${m.ranking.party}&election=${m.ranking.election}&list=${other}"
      >
        ${other === 'win' ? 'Show seats to win' : 'Show seats to defend'}
      </a>
    </p>
    ${seatsTable(m)} ${electionsSection({ imported: m.imported, csrf: m.csrf, canEdit: m.canEdit })}`;
}

export interface ElectionImportForm {
  name: string;
  replace: boolean;
  /** What was wrong with the last upload, and the rows or columns it concerns. */
  error?: string;
  problems?: readonly string[];
}

/** The imported elections, and (for organisers) the form that imports another. */
export function electionsSection(o: {
  imported: ImportedElection[];
  csrf: string;
  canEdit: boolean;
  form?: ElectionImportForm;
}): SafeHtml {
  const form = o.form ?? { name: '', replace: false };
  return html`<section class="elections" aria-labelledby="elections-heading">
    <h2 id="elections-heading">Elections</h2>
    <p>
      The 2017 and 2019 general elections are shipped. Results of other elections on the same 650
      seats can be imported from a CSV in the shape of either shipped file.
    </p>
    ${
      o.imported.length === 0
        ? html`<p>No other election has been imported yet.</p>`
        : dataTable({
            caption: 'Imported elections',
            className: 'imported-elections',
            rows: o.imported,
            columns: [
              {
                label: 'Election',
                rowHeader: true,
                cell: (e) => html`<a href="/admin/field/seats?election=${e.name}">${e.name}</a>`,
              },
              { label: 'Seats', numeric: true, cell: (e) => e.seats },
              {
                label: 'Shape',
                cell: (e) =>
                  e.shape === 'ge2017' ? '2017 constituency results' : '2019 by constituency',
              },
              { label: 'File', cell: (e) => e.source },
              { label: 'Imported', cell: (e) => e.importedAt.slice(0, 10) },
              ...(o.canEdit
                ? [
                    {
                      label: 'Remove',
                      cell: (e: ImportedElection) =>
                        postButton({
                          action: `/admin/field/elections/${e.name}/delete`,
                          csrf: o.csrf,
                          label: 'Remove',
                          buttonClass: 'link',
                          ariaLabel: `Remove the election ${e.name}`,
                        }),
                    },
                  ]
                : []),
            ],
          })
    }
    ${
      o.canEdit
        ? html`<h3 id="import-heading">Import an election</h3>
            ${errorNotice(form.error)}
            ${
              form.problems && form.problems.length > 0
                ? html`<ul class="import-problems" aria-label="Problems in the file">
                    ${form.problems.map((p) => html`<li>${p}</li>`)}
                  </ul>`
                : ''
            }
            <p>
              One row per seat, with every column of the 2017 constituency-results file (id,
              electorate, valid_votes, invalid_votes, majority, first_party, second_party, result
              and the party columns) or of the 2019 results-by-constituency file (ONS ID,
              Electorate, Valid votes…). At most ${ELECTION_CSV_MAX_BYTES / 1024 / 1024} MB. A file
              with any problem is refused whole.
            </p>
            <form
              class="stack"
              method="post"
              action="/admin/field/elections"
              enctype="multipart/form-data"
              aria-labelledby="import-heading"
            >
              ${csrfField(o.csrf)}
              ${textField({ id: 'election-name', name: 'name', label: 'Name of the election', hint: 'Letters, digits and hyphens, e.g. 2015 or 2024-notional.', value: form.name, maxLength: ELECTION_NAME_MAX_LENGTH, required: true })}
              ${checkboxField({ id: 'election-replace', name: 'replace', label: 'Replace the election of that name if it is already imported', checked: form.replace })}
              ${csvFileField('election-file')}
              <div><button type="submit">Import</button></div>
            </form>`
        : ''
    }
  </section>`;
}
