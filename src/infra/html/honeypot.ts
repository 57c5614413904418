import { type SafeHtml, html } from './html.js';

/**
 * A field a person never sees, reaches by Tab or hears from a screen reader; bots that fill every
 * input fill it too, and the route drops what they send. `className` hides it off-screen.
 */
export function honeypotField(opts: { name: string; id: string; className: string }): SafeHtml {
  return html`<div class="${opts.className}" aria-hidden="true">
    <label for="${opts.id}">Leave this empty</label>
    <input id="${opts.id}" name="${opts.name}" type="text" tabindex="-1" autocomplete="off" />
  </div>`;
}
