import { utcTime } from '../../infra/html/format.js';
import { type SafeHtml, html } from '../../infra/html/html.js';
import { dataTable } from '../../infra/html/tables.js';
import type { NavItem } from '../../infra/html/layout.js';

export interface AuditRow {
  id: number;
  action: string;
  actor: string;
  subject: string | null;
  created_at: string;
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
  return html`<p>Welcome, ${opts.name}.</p>
    ${
      opts.sections.length
        ? html`<ul class="cards" aria-label="Sections">
            ${cards}
          </ul>`
        : ''
    }
    <h2>Recent activity</h2>
    ${dataTable({
      columns: [
        { label: 'When', cell: (e) => utcTime(e.created_at) },
        { label: 'Who', cell: (e) => e.actor },
        { label: 'What', cell: (e) => html`<code>${e.action}</code>` },
        { label: 'About', cell: (e) => e.subject ?? '' },
      ],
      rows: opts.events,
      empty: 'Nothing has happened yet.',
    })}`;
}
