import type { Services } from '../../infra/services.js';
import { countStaff, createStaffAccount } from './staff.service.js';

export const DEFAULT_ADMIN_EMAIL = 'admin@rally.local';

/**
 * On a fresh install nobody could log in to create the first account, so Rally makes an owner
 * with a random password and hands it back once, to be printed at start-up.
 */
export async function ensureFirstOwner(
  services: Services,
): Promise<{ email: string; password: string } | null> {
  if ((await countStaff(services)) > 0) return null;
  try {
    const created = await createStaffAccount(
      services,
      {
        email: services.config.adminEmail ?? DEFAULT_ADMIN_EMAIL,
        name: 'Admin',
        role: 'owner',
      },
      null,
    );
    return { email: created.email, password: created.password };
  } catch (err) {
    // Another process starting on the same database won the race: its owner is the first one.
    if ((await countStaff(services)) > 0) return null;
    throw err;
  }
}

/** The start-up notice, boxed so it stands out from the log lines around it. */
export function firstOwnerBanner(url: string, owner: { email: string; password: string }): string {
  const lines = [
    `Rally is running at ${url}`,
    `  Admin login: ${owner.email}`,
    `  Password:    ${owner.password}`,
    '  (shown once; change it at /admin/account)',
  ];
  const width = Math.max(...lines.map((l) => l.length));
  const bar = '─'.repeat(width + 2);
  return [`┌${bar}┐`, ...lines.map((l) => `│ ${l.padEnd(width)} │`), `└${bar}┘`].join('\n');
}
