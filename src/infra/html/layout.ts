import type { Permission } from '../auth/auth.tables.js';
import { type Role, roleAtLeast } from '../auth/roles.js';
import { type SafeHtml, html } from './html.js';

export interface NavItem {
  href: string;
  label: string;
  /** Lowest role that sees the link. */
  role: Role;
  /** A permission needed as well (the link leads to pages that need it). */
  permission?: Permission;
}

export interface ViewerInfo {
  name: string;
  email: string;
  role: Role;
  permissions?: readonly Permission[] | undefined;
}

export interface Flash {
  kind: 'info' | 'error' | 'success';
  message: string;
}

export interface AdminPage {
  title: string;
  body: SafeHtml;
  viewer: ViewerInfo;
  nav: readonly NavItem[];
  csrfToken: string;
  currentPath: string;
  flash?: Flash | undefined;
}

export interface PublicPage {
  title: string;
  body: SafeHtml;
  description?: string;
  flash?: Flash | undefined;
  /** Extra scripts from /assets/js, loaded deferred: pages work without them. */
  scripts?: string[];
}

function head(title: string, description?: string, scripts: string[] = []): SafeHtml {
  return html`<meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title} · Rally</title>
    ${description ? html`<meta name="description" content="${description}" />` : ''}
    <link rel="stylesheet" href="/assets/css/rally.css" />
    <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
    ${scripts.map((s) => html`<script src="/assets/js/${s}" defer></script>`)}`;
}

function flashBlock(flash?: Flash): SafeHtml | '' {
  if (!flash) return '';
  return html`<div
    class="flash flash-${flash.kind}"
    role="${flash.kind === 'error' ? 'alert' : 'status'}"
  >
    ${flash.message}
  </div>`;
}

/** Whether a staff member sees a navigation entry: the role, and the permission if it names one. */
export function navVisibleTo(
  item: NavItem,
  viewer: { role: Role; permissions?: readonly Permission[] | undefined },
): boolean {
  return (
    roleAtLeast(viewer.role, item.role) &&
    (!item.permission || (viewer.permissions ?? []).includes(item.permission))
  );
}

export function adminLayout(page: AdminPage): SafeHtml {
  const links = page.nav
    .filter((item) => navVisibleTo(item, page.viewer))
    .map((item) => {
      const current =
        item.href === '/admin'
          ? page.currentPath === '/admin'
          : page.currentPath.startsWith(item.href);
      return html`<li>
        <a href="${item.href}" ${current ? html`aria-current="page"` : ''}>${item.label}</a>
      </li>`;
    });
  return html`<!doctype html>
    <html lang="en-GB">
      <head>
        ${head(page.title)}
      </head>
      <body class="admin">
        <a class="skip" href="#main">Skip to content</a>
        <header class="admin-header">
          <a class="brand" href="/admin">Rally</a>
          <input type="checkbox" id="nav-toggle" class="nav-toggle" aria-label="Show menu" />
          <label for="nav-toggle" class="nav-toggle-label">Menu</label>
          <nav aria-label="Admin" class="admin-nav">
            <ul>
              ${links}
            </ul>
          </nav>
          <div class="who">
            <span>${page.viewer.name} <small>(${page.viewer.role})</small></span>
            <form method="post" action="/logout">
              <input type="hidden" name="_csrf" value="${page.csrfToken}" />
              <button type="submit" class="link">Log out</button>
            </form>
          </div>
        </header>
        <main id="main" class="admin-main">
          <h1>${page.title}</h1>
          ${flashBlock(page.flash)} ${page.body}
        </main>
      </body>
    </html>`;
}

export function publicLayout(page: PublicPage): SafeHtml {
  return html`<!doctype html>
    <html lang="en-GB">
      <head>
        ${head(page.title, page.description, page.scripts)}
      </head>
      <body class="public">
        <a class="skip" href="#main">Skip to content</a>
        <header class="public-header"><a class="brand" href="/">Rally</a></header>
        <main id="main" class="public-main">${flashBlock(page.flash)} ${page.body}</main>
        <footer class="public-footer"><p>Powered by Rally, open-source campaigning.</p></footer>
      </body>
    </html>`;
}

/** A full page for errors and notices (404, 403, 429…), outside any session context. */
export function messagePage(title: string, message: string, extra?: SafeHtml): SafeHtml {
  return publicLayout({
    title,
    body: html`<section class="notice">
      <h1>${title}</h1>
      <p>${message}</p>
      ${extra ?? ''}
    </section>`,
  });
}
