import { type SafeHtml, html } from './html.js';

/**
 * What a mailed confirmation link opens. Mail scanners fetch links with nobody clicking, so the
 * link itself changes nothing: it shows one button, and only the POST the button sends confirms.
 * A plain form, so it works without JavaScript and stays one click for the person.
 */
export interface ConfirmButtonPage {
  heading: string;
  /** What pressing the button does, naming (and linking to) what it confirms. */
  explanation: SafeHtml;
  /** The link's own address: the POST goes back to it. */
  action: string;
  /**
   * The anti-forgery field the handler checks: `_csrf` for pages that may set the CSRF cookie,
   * or a stateless form token where a surge of confirmations must not create sessions.
   */
  token: { field: string; value: string };
  button: string;
  /** Why the last press was refused (shown above the button, which is offered again). */
  problem?: string | undefined;
}

export function confirmButtonPage(page: ConfirmButtonPage): SafeHtml {
  return html`<section class="notice">
    <h1>${page.heading}</h1>
    ${page.problem ? html`<p class="error" role="alert">${page.problem}</p>` : ''}
    <p>${page.explanation}</p>
    <form method="post" action="${page.action}">
      <input type="hidden" name="${page.token.field}" value="${page.token.value}" />
      <button type="submit">${page.button}</button>
    </form>
  </section>`;
}
