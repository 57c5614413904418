/**
 * Unsubscribing: from a mailing's footer link, from the mail client's one-click button
 * (RFC 8058), by mail to the List-Unsubscribe mailto, and from the footer of confirmation emails
 * other features send (`unsubscribeFooter`). Tokens are signed; a tampered one changes nothing.
 */
import type { Config } from '../../config.js';
import { findPersonByEmail, recordConsent } from '../people/people.service.js';
import type { ServiceContext } from '../../infra/service-context.js';
import { normaliseEmail } from '../../infra/validation/email.js';
import { type TokenSubject, mailingSecret, readToken, verifyToken } from './mailing-tokens.js';
import { MessageLinks } from './message-links.js';
import * as repo from './mailings.repository.js';

export type UnsubscribeMethod = 'link' | 'one-click' | 'mailto';

export interface UnsubscribeTarget {
  email: string;
  /** The mailing's subject, when the token names a mailing. */
  mailingSubject: string | null;
  subject: TokenSubject;
}

/** What a valid token points at, or null for anything forged, tampered or unknown. */
export async function resolveUnsubscribeToken(
  ctx: Pick<ServiceContext, 'db'>,
  token: string,
  purpose = 'unsubscribe',
): Promise<UnsubscribeTarget | null> {
  const claim = readToken(token);
  if (!claim) return null;
  const secret = await mailingSecret(ctx.db);
  if (claim.kind === 'address') {
    const subject: TokenSubject = { kind: 'address', email: claim.email };
    return verifyToken(secret, purpose, token, subject)
      ? { email: claim.email, mailingSubject: null, subject }
      : null;
  }
  const r = await repo.findRecipient(ctx.db.kysely, claim.recipientId);
  if (!r) return null;
  const subject: TokenSubject = {
    kind: 'recipient',
    recipientId: r.id,
    personId: r.person_id,
    mailingId: r.mailing_id,
  };
  if (!verifyToken(secret, purpose, token, subject)) return null;
  const mailing = await repo.findMailing(ctx.db.kysely, r.mailing_id);
  return { email: r.email, mailingSubject: mailing?.subject ?? null, subject };
}

const METHOD_WORDING: Record<UnsubscribeMethod, string> = {
  link: 'Pressed "Unsubscribe" on the page linked from an email.',
  'one-click': "Used the mail client's one-click unsubscribe (RFC 8058).",
  mailto: 'Sent an unsubscribe email to the List-Unsubscribe address.',
};

/**
 * Suppresses the address, marks the mailing's row, and records the withdrawal in the person's
 * consent history. Doing it twice is harmless.
 */
export async function unsubscribe(
  ctx: ServiceContext,
  target: UnsubscribeTarget,
  method: UnsubscribeMethod,
): Promise<void> {
  const now = ctx.clock.now().toISOString();
  const email = normaliseEmail(target.email) ?? target.email.toLowerCase();
  const source =
    target.subject.kind === 'recipient' ? `mailing:${target.subject.mailingId}` : 'email-footer';
  const person = await findPersonByEmail(ctx.db, email);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await repo.suppress(trx, { email, reason: 'unsubscribed', source, created_at: now });
    if (target.subject.kind === 'recipient')
      await repo.setRecipientStatus(
        trx,
        [target.subject.recipientId],
        { status: 'unsubscribed', smtp_response: `unsubscribed (${method})` },
        now,
        ['sent', 'queued', 'sending', 'handed_off'],
      );
    if (person)
      await recordConsent(
        ctx.db,
        person.id,
        {
          channel: 'email',
          status: 'withdrawn',
          method: 'form',
          wording: METHOD_WORDING[method],
          source,
        },
        { trx },
      );
    await ctx.audit.record(
      {
        actorUserId: null,
        action: 'mailing.unsubscribe',
        subjectType: target.subject.kind === 'recipient' ? 'mailing' : 'email',
        ...(target.subject.kind === 'recipient' ? { subjectId: target.subject.mailingId } : {}),
        details: { method },
      },
      trx,
    );
  });
}

/** Whether the address is on the suppression list (any reason). */
export async function isSuppressed(
  ctx: Pick<ServiceContext, 'db'>,
  email: string,
): Promise<boolean> {
  const normalised = normaliseEmail(email);
  return !!normalised && !!(await repo.findSuppression(ctx.db.kysely, normalised));
}

/**
 * The footer every email that records consent carries (petition, letter and storm confirmations):
 * a signed link that unsubscribes this address. Append `text` to the text part, `html` to HTML.
 */
export async function unsubscribeFooter(
  ctx: Pick<ServiceContext, 'db'> & { config: Pick<Config, 'baseUrl' | 'mailFrom'> },
  email: string,
): Promise<{ url: string; text: string; html: string }> {
  const links = new MessageLinks(ctx.config, await mailingSecret(ctx.db));
  const url = links.unsubscribeUrl({ kind: 'address', email: normaliseEmail(email) ?? email });
  return {
    url,
    text: `\n\n--\nNo longer want emails from this campaign? Unsubscribe: ${url}\n`,
    html: `<p style="font-size:12px;color:#555">No longer want emails from this campaign? <a href="${url}">Unsubscribe</a>.</p>`,
  };
}
