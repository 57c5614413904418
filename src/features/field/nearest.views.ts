import { formatLondonRange } from '../../infra/clock/london-time.js';
import { postcodeField } from '../../infra/html/form-controls.js';
import { type SafeHtml, html } from '../../infra/html/html.js';
import type { NearestAnswer } from './nearest.service.js';

export const NEAREST_PATH = '/nearest-marginal';

export function nearestForm(postcode: string, error?: string): SafeHtml {
  return html`<form method="get" action="${NEAREST_PATH}" class="postcode-form">
    ${postcodeField({ id: 'postcode', value: postcode, error })}
    <button type="submit">Find where I'm needed</button>
  </form>`;
}

export function nearestAnswer(a: NearestAnswer): SafeHtml {
  if (a.status !== 'found') return html`<p class="flash flash-error" role="alert">${a.message}</p>`;
  return html`<p role="status">
      ${a.postcode} is in <strong>${a.ownSeat.name}</strong>,
      ${
        a.ownSeat.isTarget
          ? html`one of the seats where your help counts most.`
          : html`which is not one of the seats where your help counts most.`
      }
    </p>
    <h2>
      ${a.basis === 'targets' ? 'Target seats nearest to you' : 'Marginal seats nearest to you'}
    </h2>
    ${
      a.nearest.length === 0
        ? html`<p class="empty">No target seats have been chosen yet. Please check back soon.</p>`
        : html`<ol class="nearest">
            ${a.nearest.map(
              (s) =>
                html`<li data-code="${s.code}">
                  <h3>${s.name} <span class="distance">${s.distanceKm.toFixed(1)} km</span></h3>
                  <p>${s.why}</p>
                  ${
                    s.sessions.length === 0
                      ? html`<p class="empty">No sessions are planned here yet.</p>`
                      : html`<ul>
                          ${s.sessions.map(
                            (e) =>
                              html`<li>
                                <a href="/events/${e.slug}">${e.title}</a>,
                                ${formatLondonRange(e.startsAt, e.endsAt)}
                                ${e.venue ? html`at ${e.venue}` : ''}
                                ${e.spacesLeft === 0 ? (e.waitingList ? html`(full: waiting list)` : html`(full)`) : ''}
                              </li>`,
                          )}
                        </ul>`
                  }
                </li>`,
            )}
          </ol>`
    }
    <p class="note">
      Distances are from the middle of your postcode district to the middle of each seat, as the
      crow flies.
    </p>`;
}

/** The JSON answer: the same facts as the page, nothing about anyone who signed up. */
export function nearestJson(a: NearestAnswer) {
  if (a.status !== 'found') return { status: a.status, message: a.message };
  return {
    status: a.status,
    postcode: a.postcode,
    ownSeat: a.ownSeat,
    basis: a.basis,
    nearest: a.nearest.map((s) => ({
      code: s.code,
      name: s.name,
      why: s.why,
      distanceKm: s.distanceKm,
      sessions: s.sessions.map((e) => ({
        slug: e.slug,
        title: e.title,
        type: e.type,
        startsAt: e.startsAt,
        endsAt: e.endsAt,
        venue: e.venue,
        postcode: e.postcode,
        spacesLeft: e.spacesLeft,
        waitingList: e.waitingList,
      })),
    })),
  };
}
