import { html } from '../../infra/html/html.js';
import { renderPublic } from '../../infra/http/render.js';
import type { Feature } from '../../infra/services.js';

type PublicLink = NonNullable<Feature['publicLinks']>[number];

/** The public home page lists what the other features offer the public (their publicLinks). */
export function homeFeature(links: () => PublicLink[]): Feature {
  return {
    name: 'home',
    routes: async (app) => {
      app.get('/', async (req, reply) => {
        const items = links();
        return renderPublic(req, reply, {
          title: 'Take action',
          description: 'Act with this campaign: find your MP, sign, write, speak up.',
          body: html`<h1>Take action</h1>
            <p>Everything here works on any phone, with or without JavaScript.</p>
            ${
              items.length
                ? html`<ul class="cards">
                    ${items.map(
                      (l) =>
                        html`<li class="card">
                          <h2><a href="${l.href}">${l.label}</a></h2>
                          <p>${l.description}</p>
                        </li>`,
                    )}
                  </ul>`
                : html`<p class="empty">Nothing is open right now. Check back soon.</p>`
            }
            <p class="muted"><a href="/login">Staff login</a></p>`,
        });
      });
    },
  };
}
