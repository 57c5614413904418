import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { escapeHtml, raw, type SafeHtml } from '../../infra/html/html.js';

/** data/geo/README.md: odileeds/hexmaps, MIT. One hex per 2010–2019 seat. */
const HEXJSON_FILE = fileURLToPath(
  new URL('../../../data/geo/constituencies-2010-2019.hexjson', import.meta.url),
);

export interface Hex {
  code: string;
  name: string;
  q: number;
  r: number;
}

let hexes: Hex[] | undefined;
export function loadHexes(): Hex[] {
  if (!hexes) {
    const doc = JSON.parse(readFileSync(HEXJSON_FILE, 'utf8')) as {
      layout: string;
      hexes: Record<string, { n: string; q: number; r: number }>;
    };
    if (doc.layout !== 'odd-r') throw new Error(`${HEXJSON_FILE}: expected layout odd-r`);
    hexes = Object.entries(doc.hexes).map(([code, h]) => ({ code, name: h.n, q: h.q, r: h.r }));
  }
  return hexes;
}

/** Party colours as the parties themselves use them (approximately). */
const PARTY_COLOURS: Record<string, string> = {
  Con: '#0087dc',
  Lab: '#e4003b',
  LD: '#faa61a',
  SNP: '#fdf38e',
  PC: '#005b54',
  Green: '#6ab023',
  DUP: '#d46a4c',
  SF: '#326760',
  SDLP: '#2aa82c',
  UUP: '#48a5ee',
  Alliance: '#f6cb2f',
  APNI: '#f6cb2f',
  Spk: '#909090',
};
const OTHER_COLOUR = '#b0b0b0';
export function partyColour(party: string): string {
  return PARTY_COLOURS[party] ?? OTHER_COLOUR;
}

/** Shading by the winner's majority: the most marginal seats are palest. */
export const MARGIN_BANDS = [
  { below: 0.05, opacity: 0.35, label: 'majority under 5%' },
  { below: 0.1, opacity: 0.65, label: '5–10%' },
  { below: Infinity, opacity: 1, label: '10% or more' },
] as const;
export function marginOpacity(majorityShare: number): number {
  return (MARGIN_BANDS.find((b) => majorityShare < b.below) ?? MARGIN_BANDS[2]).opacity;
}

export interface HexSeat {
  winner: string;
  winnerMajorityShare: number;
  title: string;
  target: boolean;
}

const SIZE = 6; // hex radius in SVG units
const W = Math.sqrt(3) * SIZE;
const H = 1.5 * SIZE;
const CORNERS = [30, 90, 150, 210, 270, 330].map((deg) => {
  const a = (Math.PI / 180) * deg;
  return [SIZE * Math.cos(a), SIZE * Math.sin(a)] as const;
});

/**
 * All 650 seats as an SVG of pointy-top hexes (odd rows shifted right; r grows northwards, so y
 * is flipped). Colour is the winner, opacity the marginality, a dark outline a target seat.
 */
export function renderHexMap(
  seat: (code: string) => HexSeat | undefined,
  caption: string,
): SafeHtml {
  const all = loadHexes();
  const qs = all.map((h) => h.q);
  const rs = all.map((h) => h.r);
  const minQ = Math.min(...qs);
  const maxQ = Math.max(...qs);
  const minR = Math.min(...rs);
  const maxR = Math.max(...rs);
  const width = (maxQ - minQ + 1.5) * W + 2;
  const height = (maxR - minR) * H + 2 * SIZE + 2;
  const parts: string[] = [];
  for (const h of all) {
    const s = seat(h.code);
    const cx = 1 + W / 2 + (h.q - minQ) * W + ((h.r & 1) === 1 ? W / 2 : 0);
    const cy = 1 + SIZE + (maxR - h.r) * H;
    const d =
      'M' +
      CORNERS.map(([x, y]) => `${(cx + x).toFixed(1)},${(cy + y).toFixed(1)}`).join('L') +
      'Z';
    const fill = s ? partyColour(s.winner) : OTHER_COLOUR;
    const opacity = s ? marginOpacity(s.winnerMajorityShare) : 0.2;
    const stroke = s?.target
      ? ' stroke="#111" stroke-width="1.4"'
      : ' stroke="#fff" stroke-width="0.4"';
    parts.push(
      `<path d="${d}" fill="${fill}" fill-opacity="${opacity}"${stroke} data-code="${h.code}"><title>${escapeHtml(s?.title ?? h.name)}</title></path>`,
    );
  }
  return raw(
    `<svg class="hexmap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width.toFixed(0)} ${height.toFixed(0)}" role="img" aria-label="${escapeHtml(caption)}">${parts.join('')}</svg>`,
  );
}
