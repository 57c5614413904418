import { ROLES, type Role } from '../../infra/auth/auth.tables.js';
import { type SafeHtml, html, csrfField } from '../../infra/html/html.js';
import type { StaffSummary } from './staff.repository.js';
import {
  EMAIL_MAX_LENGTH,
  NAME_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from './staff.rules.js';

function errorBlock(error: string | undefined): SafeHtml | '' {
  return error ? html`<p class="flash flash-error" role="alert">${error}</p>` : '';
}

export function loginForm(opts: {
  csrf: string;
  email?: string;
  next?: string | undefined;
  error?: string;
}): SafeHtml {
  return html`<section class="notice">
    <h1>Staff login</h1>
    ${errorBlock(opts.error)}
    <form class="stack" method="post" action="/login">
      ${csrfField(opts.csrf)}
      ${opts.next ? html`<input type="hidden" name="next" value="${opts.next}" />` : ''}
      <div>
        <label for="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          required
          autocomplete="username"
          maxlength="${EMAIL_MAX_LENGTH}"
          value="${opts.email ?? ''}"
          ${opts.email ? '' : html`autofocus`}
        />
      </div>
      <div>
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          required
          autocomplete="current-password"
          maxlength="${PASSWORD_MAX_LENGTH}"
          ${opts.email ? html`autofocus` : ''}
        />
      </div>
      <div><button type="submit">Log in</button></div>
    </form>
    <p><a href="/password-reset">Forgot your password?</a></p>
  </section>`;
}

export function resetRequestForm(opts: { csrf: string; email?: string; error?: string }) {
  return html`<section class="notice">
    <h1>Forgot your password?</h1>
    <p>
      Enter the email address of your staff account. We will send you a link to choose a new
      password.
    </p>
    ${errorBlock(opts.error)}
    <form class="stack" method="post" action="/password-reset">
      ${csrfField(opts.csrf)}
      <div>
        <label for="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          required
          autocomplete="username"
          maxlength="${EMAIL_MAX_LENGTH}"
          value="${opts.email ?? ''}"
        />
      </div>
      <div><button type="submit">Send the link</button></div>
    </form>
    <p><a href="/login">Back to login</a></p>
  </section>`;
}

export function resetRequestedNotice(message: string) {
  return html`<section class="notice">
    <h1>Check your email</h1>
    <p>${message}</p>
    <p><a href="/login">Back to login</a></p>
  </section>`;
}

function newPasswordFields(autocompleteEmail?: string): SafeHtml {
  return html`${
      autocompleteEmail
        ? html`<input
            type="email"
            name="username"
            autocomplete="username"
            value="${autocompleteEmail}"
            readonly
            hidden
          />`
        : ''
    }
    <div>
      <label for="password"
        >New password
        <span class="hint"
          >At least ${PASSWORD_MIN_LENGTH} characters. A few unrelated words make a strong,
          memorable password.</span
        ></label
      >
      <input
        id="password"
        name="password"
        type="password"
        required
        autocomplete="new-password"
        minlength="${PASSWORD_MIN_LENGTH}"
        maxlength="${PASSWORD_MAX_LENGTH}"
      />
    </div>
    <div>
      <label for="confirm">New password again</label>
      <input
        id="confirm"
        name="confirm"
        type="password"
        required
        autocomplete="new-password"
        minlength="${PASSWORD_MIN_LENGTH}"
        maxlength="${PASSWORD_MAX_LENGTH}"
      />
    </div>`;
}

export function newPasswordForm(opts: {
  csrf: string;
  action: string;
  email: string;
  error?: string;
}) {
  return html`<section class="notice">
    <h1>Choose a new password</h1>
    <p>For the staff account <strong>${opts.email}</strong>.</p>
    ${errorBlock(opts.error)}
    <form class="stack" method="post" action="${opts.action}">
      ${csrfField(opts.csrf)} ${newPasswordFields(opts.email)}
      <div><button type="submit">Save the new password</button></div>
    </form>
  </section>`;
}

function roleSelect(name: string, id: string, selected: Role, ariaLabel?: string): SafeHtml {
  return html`<select name="${name}" id="${id}" ${ariaLabel ? html`aria-label="${ariaLabel}"` : ''}>
    ${ROLES.map(
      (r) => html`<option value="${r}" ${r === selected ? html`selected` : ''}>${r}</option>`,
    )}
  </select>`;
}

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: 'sees everything, changes nothing',
  moderator: 'also moderates comments and submissions',
  organiser: 'also runs campaigns, people and messages',
  owner: 'also manages staff accounts and settings',
};

export interface CreateFormValues {
  email?: string;
  name?: string;
  role?: Role;
  sendLink?: boolean;
}

export function usersPage(opts: {
  csrf: string;
  users: StaffSummary[];
  viewerId: number;
  form?: CreateFormValues;
  error?: string;
}): SafeHtml {
  const form = opts.form ?? {};
  const rows = opts.users.map((u) => {
    const disabled = u.disabled_at !== null;
    const self = u.id === opts.viewerId;
    return html`<tr>
      <td>${u.name}${self ? html` <span class="badge">you</span>` : ''}</td>
      <td>${u.email}</td>
      <td>
        <form class="inline-form" method="post" action="/admin/users/${u.id}/role">
          ${csrfField(opts.csrf)}
          ${roleSelect('role', `role-${u.id}`, u.role, `Role of ${u.email}`)}
          <button type="submit" class="secondary">Change role</button>
        </form>
      </td>
      <td>
        ${
          disabled
            ? html`<span class="badge badge-bad">disabled</span>`
            : html`<span class="badge badge-ok">active</span>`
        }
      </td>
      <td>
        <form
          class="inline-form"
          method="post"
          action="/admin/users/${u.id}/${disabled ? 'enable' : 'disable'}"
        >
          ${csrfField(opts.csrf)}
          <button type="submit" class="${disabled ? 'secondary' : 'danger'}">
            ${disabled ? 'Enable' : 'Disable'}
          </button>
        </form>
        ${
          disabled
            ? ''
            : html`<form class="inline-form" method="post" action="/admin/users/${u.id}/send-link">
                ${csrfField(opts.csrf)}
                <button type="submit" class="secondary">Email a password link</button>
              </form>`
        }
      </td>
    </tr>`;
  });
  return html`${errorBlock(opts.error)}
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
    </div>
    <h2>Add a staff member</h2>
    <form class="stack" method="post" action="/admin/users">
      ${csrfField(opts.csrf)}
      <div>
        <label for="new-email">Email</label>
        <input
          id="new-email"
          name="email"
          type="email"
          required
          maxlength="${EMAIL_MAX_LENGTH}"
          value="${form.email ?? ''}"
        />
      </div>
      <div>
        <label for="new-name">Name</label>
        <input
          id="new-name"
          name="name"
          type="text"
          required
          maxlength="${NAME_MAX_LENGTH}"
          value="${form.name ?? ''}"
        />
      </div>
      <div>
        <label for="new-role">Role</label>
        ${roleSelect('role', 'new-role', form.role ?? 'viewer')}
        <ul class="hint">
          ${ROLES.map((r) => html`<li><strong>${r}</strong>: ${ROLE_DESCRIPTIONS[r]}</li>`)}
        </ul>
      </div>
      <div>
        <label
          ><input
            type="checkbox"
            name="send_link"
            value="1"
            ${form.sendLink ? html`checked` : ''}
          />
          Also email them a link to choose their own password</label
        >
      </div>
      <div><button type="submit">Add staff member</button></div>
    </form>`;
}

export function createdNotice(opts: {
  email: string;
  name: string;
  password: string;
  linkSent: boolean;
}): SafeHtml {
  return html`<section class="card">
      <h2>${opts.name} can now log in</h2>
      <dl class="details">
        <dt>Email</dt>
        <dd>${opts.email}</dd>
        <dt>Password</dt>
        <dd><code class="one-time-secret">${opts.password}</code></dd>
      </dl>
      <p>
        This password is shown only now. Pass it on privately; they can change it at /admin/account.
        ${
          opts.linkSent
            ? html`We also emailed ${opts.email} a link to choose their own password.`
            : ''
        }
      </p>
    </section>
    <p><a href="/admin/users">Back to staff</a></p>`;
}

export function accountPage(opts: {
  csrf: string;
  name: string;
  email: string;
  role: Role;
  error?: string;
}): SafeHtml {
  return html`<dl class="details">
      <dt>Name</dt>
      <dd>${opts.name}</dd>
      <dt>Email</dt>
      <dd>${opts.email}</dd>
      <dt>Role</dt>
      <dd>${opts.role} (${ROLE_DESCRIPTIONS[opts.role]})</dd>
    </dl>
    <h2>Change your password</h2>
    ${errorBlock(opts.error)}
    <form class="stack" method="post" action="/admin/account/password">
      ${csrfField(opts.csrf)}
      <input
        type="email"
        name="username"
        autocomplete="username"
        value="${opts.email}"
        readonly
        hidden
      />
      <div>
        <label for="current">Current password</label>
        <input
          id="current"
          name="current"
          type="password"
          required
          autocomplete="current-password"
          maxlength="${PASSWORD_MAX_LENGTH}"
        />
      </div>
      ${newPasswordFields()}
      <div><button type="submit">Change password</button></div>
    </form>
    <p class="hint">Changing your password logs you out everywhere else.</p>`;
}

export function resetLinkProblem(title: string, message: string): SafeHtml {
  return html`<section class="notice">
    <h1>${title}</h1>
    <p>${message}</p>
    <p><a href="/password-reset">Ask for a new link</a> · <a href="/login">Log in</a></p>
  </section>`;
}
