import { errorSummary, postButton, textField } from '../../infra/html/form-controls.js';
import { utcTime } from '../../infra/html/format.js';
import { type SafeHtml, csrfField, html } from '../../infra/html/html.js';
import { dataTable } from '../../infra/html/tables.js';
import { API_KEY_NAME_MAX_LENGTH, type ApiKey } from './api-keys.service.js';
import type { ApiAccess } from './api.tables.js';

export interface KeyFormValues {
  name: string;
  scopes: Record<string, ApiAccess>;
}

function scopeSummary(key: ApiKey): string {
  const parts = Object.entries(key.scopes).map(([r, a]) => `${r}: ${a}`);
  return parts.join(', ');
}

export function apiKeysPage(opts: {
  keys: ApiKey[];
  resources: { name: string; title: string; readOnly?: boolean }[];
  csrf: string;
  values: KeyFormValues;
  error?: string;
  /** Shown once, right after creation. */
  created?: { name: string; secret: string };
}): SafeHtml {
  const scopeRows = opts.resources.map((r) => {
    const current = opts.values.scopes[r.name] ?? 'none';
    const radio = (access: ApiAccess, label: string) =>
      html`<label class="inline-choice"
        ><input
          type="radio"
          name="scope_${r.name}"
          value="${access}"
          ${current === access ? html`checked` : ''}
        />
        ${label}</label
      >`;
    return html`<tr>
      <th scope="row">${r.title} <code>${r.name}</code></th>
      <td>
        ${radio('none', 'No access')} ${radio('read', 'Read')}
        ${r.readOnly ? '' : radio('write', 'Read and write')}
      </td>
    </tr>`;
  });
  return html`${
      opts.created
        ? html`<div class="flash flash-success" role="status" id="new-key">
            <p>
              The key <strong>${opts.created.name}</strong> was created. Copy it now: Rally keeps
              only a fingerprint and cannot show it again.
            </p>
            <p><code class="secret" data-testid="api-key-secret">${opts.created.secret}</code></p>
            <p>
              Send it in the <code>OSDI-API-Token</code> header. See
              <a href="/api/docs">the API docs</a>.
            </p>
          </div>`
        : ''
    }
    <h2>Keys</h2>
    ${dataTable({
      columns: [
        { label: 'Name', rowHeader: true, cell: (k) => k.name },
        { label: 'Starts with', cell: (k) => html`<code>${k.prefix}…</code>` },
        { label: 'May', cell: scopeSummary },
        { label: 'Created', cell: (k) => utcTime(k.createdAt) },
        { label: 'Last used', cell: (k) => (k.lastUsedAt ? utcTime(k.lastUsedAt) : 'Never') },
        {
          label: 'Status',
          cell: (k) =>
            k.revokedAt
              ? html`Revoked ${utcTime(k.revokedAt)}`
              : postButton({
                  action: `/admin/api-keys/${k.id}/revoke`,
                  csrf: opts.csrf,
                  label: 'Revoke',
                  buttonClass: 'danger',
                  ariaLabel: `Revoke ${k.name}`,
                }),
        },
      ],
      rows: opts.keys,
      empty: 'No API keys yet. Create one below for a script or another tool.',
    })}
    <h2>New key</h2>
    ${opts.error ? errorSummary({ name: opts.error }) : ''}
    <form method="post" action="/admin/api-keys">
      ${csrfField(opts.csrf)}
      ${textField({
        id: 'key-name',
        name: 'name',
        label: 'Name',
        hint: 'What uses it, e.g. "Stall sign-up script".',
        value: opts.values.name,
        maxLength: API_KEY_NAME_MAX_LENGTH,
        required: true,
        error: opts.error,
      })}
      <table class="scopes">
        <caption>
          What the key may do
        </caption>
        ${scopeRows}
      </table>
      <button type="submit">Create key</button>
    </form>`;
}
