import { type SafeHtml, html } from '../../infra/html/html.js';
import type { NavItem } from '../../infra/html/layout.js';

export interface AuditRow {
  id: number;
  action: string;
  actor: string;
  subject: string | null;
  created_at: string;
}

function when(iso: string): SafeHtml {
  const label = iso.slice(0, 16).replace('T', ' ');
  return html`<time datetime="${iso}">${label} UTC</time>`;
}

export function dashboardBody(opts: {
  name: string;
  sections: NavItem[];
  events: AuditRow[];
}): SafeHtml {
  const cards = opts.sections.map(
    (s) =>
      html`<li class="card">
        <h2><a href="${s.href}">${s.label}</a></h2>
      </li>`,
  );
  const events = opts.events.map(
    (e) =>
      html`<tr>
        <td>${when(e.created_at)}</td>
        <td>${e.actor}</td>
        <td><code>${e.action}</code></td>
        <td>${e.subject ?? ''}</td>
      </tr>`,
  );
  return html`<p>Welcome, ${opts.name}.</p>
    ${
      opts.sections.length
        ? html`<ul class="cards" aria-label="Sections">
            ${cards}
          </ul>`
        : ''
    }
    <h2>Recent activity</h2>
    ${
      opts.events.length
        ? html`<div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">What</th>
                  <th scope="col">About</th>
                </tr>
              </thead>
              <tbody>
                ${events}
              </tbody>
            </table>
          </div>`
        : html`<p class="empty">Nothing has happened yet.</p>`
    }`;
}
