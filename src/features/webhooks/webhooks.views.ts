import { errorSummary, postButton, textField } from '../../infra/html/form-controls.js';
import { badge, utcTime } from '../../infra/html/format.js';
import { type SafeHtml, csrfField, html } from '../../infra/html/html.js';
import { dataTable } from '../../infra/html/tables.js';
import { DOMAIN_EVENT_TYPES } from '../../infra/events/domain-events.js';
import { DELIVERY_LOG_SIZE, type Endpoint, URL_MAX_LENGTH } from './webhooks.service.js';

function state(e: Endpoint): SafeHtml {
  if (!e.enabled) return badge('Disabled', 'bad');
  if (e.failingSince)
    return badge(`Failing since ${e.failingSince.slice(0, 16).replace('T', ' ')}`, 'warn');
  return badge('Active', 'ok');
}

export function webhooksPage(opts: {
  endpoints: Endpoint[];
  csrf: string;
  values: { url: string; eventTypes: string[] };
  error?: string;
}): SafeHtml {
  return html`<p>
      Rally POSTs each event you choose to your address, signed as
      <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> specify
      (<code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code>).
      Failed deliveries are retried; an endpoint that fails for three days is turned off and owners
      are emailed.
    </p>
    ${dataTable({
      columns: [
        {
          label: 'Address',
          rowHeader: true,
          cell: (e) => html`<a href="/admin/webhooks/${e.id}">${e.url}</a>`,
        },
        { label: 'Events', cell: (e) => e.eventTypes.join(', ') },
        { label: 'State', cell: state },
      ],
      rows: opts.endpoints,
      empty: 'No webhooks yet. Add an address below to send events to another tool.',
    })}
    <h2>Add an endpoint</h2>
    ${opts.error ? errorSummary({ url: opts.error }) : ''}
    <form method="post" action="/admin/webhooks">
      ${csrfField(opts.csrf)}
      ${textField({
        id: 'webhook-url',
        name: 'url',
        label: 'Address',
        hint: 'https://… on a public host.',
        type: 'url',
        value: opts.values.url,
        maxLength: URL_MAX_LENGTH,
        required: true,
        error: opts.error,
      })}
      <fieldset>
        <legend>Events</legend>
        ${DOMAIN_EVENT_TYPES.map(
          (t) =>
            html`<label class="inline-choice"
              ><input
                type="checkbox"
                name="events"
                value="${t}"
                ${opts.values.eventTypes.includes(t) ? html`checked` : ''}
              />
              <code>${t}</code></label
            >`,
        )}
      </fieldset>
      <button type="submit">Add endpoint</button>
    </form>`;
}

export interface DeliveryRow {
  id: number;
  event_id: string;
  event_type: string;
  status: string;
  attempts: number;
  response_code: number | null;
  last_error: string | null;
  created_at: string;
  last_attempt_at: string | null;
}

export function endpointPage(opts: {
  endpoint: Endpoint;
  deliveries: DeliveryRow[];
  csrf: string;
}): SafeHtml {
  const e = opts.endpoint;
  return html`<p>${state(e)} ${e.disabledReason ?? ''}</p>
    <dl>
      <dt>Address</dt>
      <dd><code>${e.url}</code></dd>
      <dt>Events</dt>
      <dd>${e.eventTypes.join(', ')}</dd>
      <dt>Signing secret</dt>
      <dd><code data-testid="webhook-secret">${e.secret}</code></dd>
    </dl>
    ${postButton({
      action: `/admin/webhooks/${e.id}/enabled`,
      csrf: opts.csrf,
      label: e.enabled ? 'Turn off' : 'Turn on again',
      fields: { enabled: e.enabled ? 'false' : 'true' },
      buttonClass: e.enabled ? 'danger' : undefined,
    })}
    <h2>Last ${DELIVERY_LOG_SIZE} deliveries</h2>
    ${dataTable({
      columns: [
        {
          label: 'Event',
          rowHeader: true,
          cell: (d) => html`<code>${d.event_type}</code> <small>${d.event_id}</small>`,
        },
        {
          label: 'Status',
          cell: (d) =>
            badge(
              d.status,
              d.status === 'delivered' ? 'ok' : d.status === 'failed' ? 'bad' : 'plain',
            ),
        },
        { label: 'Response', numeric: true, cell: (d) => d.response_code ?? d.last_error ?? '' },
        { label: 'Attempts', numeric: true, cell: (d) => d.attempts },
        { label: 'Created', cell: (d) => utcTime(d.created_at) },
        {
          label: 'Last try',
          cell: (d) => (d.last_attempt_at ? utcTime(d.last_attempt_at) : 'Not yet'),
        },
        {
          label: '',
          cell: (d) =>
            d.status === 'pending'
              ? ''
              : postButton({
                  action: `/admin/webhooks/${e.id}/deliveries/${d.id}/resend`,
                  csrf: opts.csrf,
                  label: 'Send again',
                  buttonClass: 'secondary',
                  ariaLabel: `Send ${d.event_type} ${d.event_id} again`,
                }),
        },
      ],
      rows: opts.deliveries,
      empty: 'Nothing sent yet.',
    })}`;
}
