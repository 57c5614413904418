import { postButton, selectField, textField } from '../../infra/html/form-controls.js';
import { type SafeHtml, csrfField, html } from '../../infra/html/html.js';
import { dataTable } from '../../infra/html/tables.js';
import { partyName } from '../constituencies/constituencies.service.js';
import { type AllocationReport, HOURS_MAX, HOURS_MIN } from './allocation.service.js';
import { pct } from './field.views.js';

export function allocationPage(
  r: AllocationReport,
  o: {
    csrf: string;
    canEdit: boolean;
    seats: { value: string; label: string }[];
    staff: { value: number; label: string }[];
  },
): SafeHtml {
  return html`<p>
      Planning on ${partyName(r.party)} at ${r.election}. Events, RSVPs and attendance are for the
      last four weeks.
    </p>
    <section aria-labelledby="warnings">
      <h2 id="warnings">Warnings</h2>
      ${
        r.warnings.length === 0
          ? html`<p class="empty">
              No warnings: every target seat has someone, and no effort goes to safe seats.
            </p>`
          : html`<ul class="warnings">
              ${r.warnings.map((w) => html`<li class="flash flash-error" data-kind="${w.kind}" data-code="${w.seatCode}">${w.message}</li>`)}
            </ul>`
      }
    </section>
    ${dataTable({
      caption: 'Effort against need',
      className: 'allocation',
      empty: html`No target seats and nobody assigned yet. Mark targets on
        <a href="/admin/field/seats">Seats</a>.`,
      rows: r.seats,
      rowAttributes: (s) => ({ 'data-code': s.code }),
      columns: [
        {
          label: 'Seat',
          rowHeader: true,
          cell: (s) => html`${s.name}${s.target ? html` <strong>(target)</strong>` : ''}`,
        },
        { label: 'Rank', cell: (s) => (s.rank ? `${s.rank} to ${s.list}` : '') },
        {
          label: 'Swing',
          numeric: true,
          cell: (s) => (s.standing ? pct(s.standing.swing, 2) : ''),
        },
        {
          label: 'People',
          cell: (s) =>
            s.people.map((p) => `${p.label} (${p.kind}, ${p.hoursPerWeek} h)`).join(', ') ||
            'Nobody',
        },
        { label: 'Hours/week', numeric: true, cell: (s) => s.hours },
        { label: 'Events', numeric: true, cell: (s) => s.events },
        { label: 'RSVPs', numeric: true, cell: (s) => s.rsvps },
        { label: 'Attended', numeric: true, cell: (s) => s.attended },
        {
          label: 'Remove',
          cell: (s) =>
            o.canEdit
              ? html`${s.people.map((p) => postButton({ action: `/admin/field/allocation/${p.id}/remove`, csrf: o.csrf, label: `Remove ${p.label}`, buttonClass: 'link' }))}`
              : '',
        },
      ],
    })}
    ${
      o.canEdit
        ? html`<h2>Assign someone to a seat</h2>
            <form method="post" action="/admin/field/allocation" class="allocation-form">
              ${csrfField(o.csrf)}
              ${selectField({ id: 'seatCode', name: 'seatCode', label: 'Seat', options: o.seats, required: true })}
              ${selectField({ id: 'staffUserId', name: 'staffUserId', label: 'Staff user', options: o.staff, emptyOption: 'A supporter instead' })}
              ${textField({ id: 'personEmail', name: 'personEmail', label: 'Or a supporter, by email', type: 'email' })}
              ${textField({ id: 'hours', name: 'hours', label: 'Hours per week', type: 'number', min: HOURS_MIN, max: HOURS_MAX, step: 0.5, required: true })}
              <button type="submit">Assign</button>
            </form>`
        : ''
    }`;
}
