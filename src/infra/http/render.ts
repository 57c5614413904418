import type { FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../auth/guard.js';
import type { SafeHtml } from '../html/html.js';
import {
  type Flash,
  type NavItem,
  type PublicPage,
  adminLayout,
  publicLayout,
} from '../html/layout.js';

const FLASH_COOKIE = 'rally_flash';

declare module 'fastify' {
  interface FastifyInstance {
    adminNav: NavItem[];
  }
}

/** A one-time message shown on the next page (after POST → redirect → GET). */
export function setFlash(reply: FastifyReply, flash: Flash): void {
  reply.setCookie(FLASH_COOKIE, JSON.stringify(flash), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    signed: true,
    maxAge: 60,
  });
}

function takeFlash(req: FastifyRequest, reply: FastifyReply): Flash | undefined {
  const rawCookie = req.cookies[FLASH_COOKIE];
  if (!rawCookie) return undefined;
  reply.clearCookie(FLASH_COOKIE, { path: '/' });
  const unsigned = req.unsignCookie(rawCookie);
  if (!unsigned.valid || !unsigned.value) return undefined;
  try {
    const parsed = JSON.parse(unsigned.value) as Flash;
    return typeof parsed.message === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export interface AdminRender {
  title: string;
  body: SafeHtml;
  status?: number;
  flash?: Flash;
}

export function renderAdmin(req: FastifyRequest, reply: FastifyReply, page: AdminRender) {
  const viewer = requireStaff(req);
  const doc = adminLayout({
    title: page.title,
    body: page.body,
    viewer,
    nav: req.server.adminNav,
    csrfToken: reply.generateCsrf(),
    currentPath: req.url.split('?')[0] ?? req.url,
    flash: page.flash ?? takeFlash(req, reply),
  });
  return reply
    .code(page.status ?? 200)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(doc.value);
}

export function renderPublic(
  req: FastifyRequest,
  reply: FastifyReply,
  page: PublicPage & { status?: number },
) {
  const doc = publicLayout({ ...page, flash: page.flash ?? takeFlash(req, reply) });
  return reply
    .code(page.status ?? 200)
    .type('text/html; charset=utf-8')
    .send(doc.value);
}
