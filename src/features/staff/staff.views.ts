import { PERMISSIONS, type Permission } from '../../infra/auth/auth.tables.js';
import { ROLES, ROLE_OPTIONS, type Role } from '../../infra/auth/roles.js';
import {
  checkboxField,
  errorNotice,
  postButton,
  selectField,
  selectOptions,
  textField,
} from '../../infra/html/form-controls.js';
import { badge } from '../../infra/html/format.js';
import { type SafeHtml, html, csrfField } from '../../infra/html/html.js';
import { dataTable } from '../../infra/html/tables.js';
import type { StaffSummary } from './staff.repository.js';
import {
  EMAIL_MAX_LENGTH,
  NAME_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from './staff.rules.js';

export function loginForm(opts: {
  csrf: string;
  email?: string;
  next?: string | undefined;
  error?: string;
}): SafeHtml {
  return html`<section class="notice">
    <h1>Staff login</h1>
    ${errorNotice(opts.error)}
    <form class="stack" method="post" action="/login">
      ${csrfField(opts.csrf)}
      ${opts.next ? html`<input type="hidden" name="next" value="${opts.next}" />` : ''}
      ${textField({ ...accountEmail, value: opts.email, autofocus: !opts.email })}
      ${textField({
        ...currentPassword,
        id: 'password',
        name: 'password',
        label: 'Password',
        autofocus: Boolean(opts.email),
      })}
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
    ${errorNotice(opts.error)}
    <form class="stack" method="post" action="/password-reset">
      ${csrfField(opts.csrf)} ${textField({ ...accountEmail, value: opts.email })}
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

/** The account's email, as password managers expect it beside the password. */
const accountEmail = {
  id: 'email',
  name: 'email',
  label: 'Email',
  type: 'email',
  required: true,
  autocomplete: 'username',
  maxLength: EMAIL_MAX_LENGTH,
};

const currentPassword = {
  type: 'password',
  required: true,
  autocomplete: 'current-password',
  maxLength: PASSWORD_MAX_LENGTH,
};

/** Tells password managers whose password a form sets, without showing the address. */
function hiddenUsername(email: string): SafeHtml {
  return html`<input
    type="email"
    name="username"
    autocomplete="username"
    value="${email}"
    readonly
    hidden
  />`;
}

const newPassword = {
  type: 'password',
  required: true,
  autocomplete: 'new-password',
  minLength: PASSWORD_MIN_LENGTH,
  maxLength: PASSWORD_MAX_LENGTH,
};

function newPasswordFields(autocompleteEmail?: string): SafeHtml {
  return html`${autocompleteEmail ? hiddenUsername(autocompleteEmail) : ''}
  ${textField({
    ...newPassword,
    id: 'password',
    name: 'password',
    label: 'New password',
    hint: `At least ${PASSWORD_MIN_LENGTH} characters. A few unrelated words make a strong, memorable password.`,
  })}
  ${textField({ ...newPassword, id: 'confirm', name: 'confirm', label: 'New password again' })}`;
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
    ${errorNotice(opts.error)}
    <form class="stack" method="post" action="${opts.action}">
      ${csrfField(opts.csrf)} ${newPasswordFields(opts.email)}
      <div><button type="submit">Save the new password</button></div>
    </form>
  </section>`;
}

function roleSelect(name: string, id: string, selected: Role, ariaLabel: string): SafeHtml {
  return html`<select name="${name}" id="${id}" aria-label="${ariaLabel}">
    ${selectOptions(ROLE_OPTIONS, selected)}
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

function userActions(u: StaffSummary, csrf: string): SafeHtml {
  const disabled = u.disabled_at !== null;
  return html`${postButton({
    action: `/admin/users/${u.id}/${disabled ? 'enable' : 'disable'}`,
    csrf,
    label: disabled ? 'Enable' : 'Disable',
    buttonClass: disabled ? 'secondary' : 'danger',
  })}
  ${
    disabled
      ? ''
      : postButton({
          action: `/admin/users/${u.id}/send-link`,
          csrf,
          label: 'Email a password link',
          buttonClass: 'secondary',
        })
  }`;
}

/** One button per permission: grant it, or take it back. */
function permissionButtons(u: StaffSummary, held: readonly Permission[], csrf: string): SafeHtml {
  return html`${PERMISSIONS.map((p) => {
    const has = held.includes(p);
    return html`<form class="inline-form" method="post" action="/admin/users/${u.id}/permissions">
      ${csrfField(csrf)}
      <input type="hidden" name="permission" value="${p}" />
      <input type="hidden" name="granted" value="${has ? 'no' : 'yes'}" />
      ${has ? badge(p, 'ok') : ''}
      <button type="submit" class="secondary">${has ? `Revoke ${p}` : `Grant ${p}`}</button>
    </form>`;
  })}`;
}

export function usersPage(opts: {
  csrf: string;
  users: StaffSummary[];
  permissions: ReadonlyMap<number, readonly Permission[]>;
  viewerId: number;
  form?: CreateFormValues;
  error?: string;
}): SafeHtml {
  const form = opts.form ?? {};
  return html`${errorNotice(opts.error)}
    ${dataTable({
      columns: [
        {
          label: 'Name',
          cell: (u) => html`${u.name}${u.id === opts.viewerId ? html` ${badge('you')}` : ''}`,
        },
        { label: 'Email', cell: (u) => u.email },
        {
          label: 'Role',
          cell: (u) =>
            html`<form class="inline-form" method="post" action="/admin/users/${u.id}/role">
              ${csrfField(opts.csrf)}
              ${roleSelect('role', `role-${u.id}`, u.role, `Role of ${u.email}`)}
              <button type="submit" class="secondary">Change role</button>
            </form>`,
        },
        {
          label: 'Permissions',
          cell: (u) => permissionButtons(u, opts.permissions.get(u.id) ?? [], opts.csrf),
        },
        {
          label: 'Status',
          cell: (u) => (u.disabled_at !== null ? badge('disabled', 'bad') : badge('active', 'ok')),
        },
        { label: 'Actions', cell: (u) => userActions(u, opts.csrf) },
      ],
      rows: opts.users,
    })}
    <h2>Add a staff member</h2>
    <form class="stack" method="post" action="/admin/users">
      ${csrfField(opts.csrf)}
      ${textField({
        id: 'new-email',
        name: 'email',
        label: 'Email',
        type: 'email',
        required: true,
        maxLength: EMAIL_MAX_LENGTH,
        value: form.email,
      })}
      ${textField({
        id: 'new-name',
        name: 'name',
        label: 'Name',
        required: true,
        maxLength: NAME_MAX_LENGTH,
        value: form.name,
      })}
      ${selectField({
        id: 'new-role',
        name: 'role',
        label: 'Role',
        options: ROLE_OPTIONS,
        value: form.role ?? 'viewer',
        after: html`<ul class="hint">
          ${ROLES.map((r) => html`<li><strong>${r}</strong>: ${ROLE_DESCRIPTIONS[r]}</li>`)}
        </ul>`,
      })}
      ${checkboxField({
        name: 'send_link',
        label: 'Also email them a link to choose their own password',
        checked: Boolean(form.sendLink),
      })}
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
    ${errorNotice(opts.error)}
    <form class="stack" method="post" action="/admin/account/password">
      ${csrfField(opts.csrf)} ${hiddenUsername(opts.email)}
      ${textField({ ...currentPassword, id: 'current', name: 'current', label: 'Current password' })}
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
