import { type SafeHtml, html } from './html.js';

/**
 * A timestamp as `<time>`, in UTC to the minute ("2025-03-01 14:30 UTC") or the second: for audit
 * trails and admin lists, where an unambiguous clock matters more than a friendly one. Nothing for
 * a missing timestamp.
 */
export function utcTime(
  iso: string | null | undefined,
  precision: 'minute' | 'second' = 'minute',
): SafeHtml | '' {
  if (!iso) return '';
  const shown = iso.slice(0, precision === 'minute' ? 16 : 19).replace('T', ' ');
  return html`<time datetime="${iso}">${shown} UTC</time>`;
}

/** A share as a whole percentage, or a dash when there is nothing to divide by. */
export function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part * 100) / whole)}%` : '—';
}

export type BadgeTone = 'ok' | 'warn' | 'bad' | 'plain';

/** A short status label; the tone colours it (good, needs attention, bad, neutral). */
export function badge(label: string | number | SafeHtml, tone: BadgeTone = 'plain'): SafeHtml {
  return html`<span class="${tone === 'plain' ? 'badge' : `badge badge-${tone}`}">${label}</span>`;
}
