import { html } from '../../infra/html/html.js';

/**
 * The message with a link to choose a password: after "forgot password" (reset), or when an
 * owner makes an account or asks its holder to set a new password (setup).
 */
export function passwordLinkMail(
  name: string,
  link: string,
  ttlMs: number,
  purpose: 'reset' | 'setup',
): { subject: string; text: string; html: string } {
  const hours = Math.round(ttlMs / 3_600_000);
  const validity = hours === 1 ? 'one hour' : `${hours} hours`;
  const intro =
    purpose === 'reset'
      ? 'Someone (hopefully you) asked to set a new password for your Rally staff account.'
      : 'An owner of this Rally campaign has made you a staff account, or asked you to set a new password.';
  const ignore =
    purpose === 'reset'
      ? 'If it was not you, ignore this message: your password stays as it is.'
      : 'If you did not expect this, you can ignore this message.';
  return {
    subject: purpose === 'reset' ? 'Set a new Rally password' : 'Your Rally staff account',
    text: `Hello ${name},\n\n${intro}\n\nOpen this link to choose a password (it works once, for ${validity}):\n${link}\n\n${ignore}\n`,
    html: html`<p>Hello ${name},</p>
      <p>${intro}</p>
      <p><a href="${link}">Choose a password</a> (the link works once, for ${validity}).</p>
      <p>${ignore}</p>`.value,
  };
}
