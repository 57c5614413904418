import type { Config } from '../../config.js';
import { type TokenSubject, signToken } from './mailing-tokens.js';

/** The address part of MAIL_FROM, e.g. "rally@example.org" from "Rally <rally@example.org>". */
export function fromAddress(mailFrom: string): string {
  const m = /<([^>]+)>/.exec(mailFrom);
  return (m?.[1] ?? mailFrom).trim();
}

export function mailDomain(mailFrom: string): string {
  return fromAddress(mailFrom).split('@')[1] ?? 'localhost';
}

/** Where every link and return address of one recipient's message points. */
export class MessageLinks {
  constructor(
    private readonly config: Pick<Config, 'baseUrl' | 'mailFrom'>,
    private readonly secret: string,
  ) {}

  unsubscribeUrl(s: TokenSubject): string {
    return `${this.config.baseUrl}/unsubscribe/${signToken(this.secret, 'unsubscribe', s)}`;
  }

  unsubscribeMailto(s: TokenSubject): string {
    return `mailto:unsubscribe+${signToken(this.secret, 'unsubscribe', s)}@${mailDomain(this.config.mailFrom)}?subject=unsubscribe`;
  }

  /** VERP: bounces come back to an address that names the recipient row. */
  returnPath(s: TokenSubject): string {
    return `bounces+${signToken(this.secret, 'verp', s)}@${mailDomain(this.config.mailFrom)}`;
  }

  clickUrl(s: TokenSubject, url: string): string {
    const token = signToken(this.secret, `click:${url}`, s);
    return `${this.config.baseUrl}/m/c/${token}?u=${encodeURIComponent(url)}`;
  }
}
