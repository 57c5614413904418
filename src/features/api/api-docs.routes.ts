import type { FastifyInstance } from 'fastify';
import { type SafeHtml, html } from '../../infra/html/html.js';
import { renderPublic } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import { API_KEY_HEADER, API_RATE_LIMIT } from './api.plugin.js';
import { type OpenApiRoute, openApiDocument } from './openapi.js';
import { API_PREFIX, DEFAULT_PER_PAGE, MAX_PER_PAGE } from './osdi.service.js';

type Operation = {
  summary: string;
  requestBody?: unknown;
  parameters?: { name: string; in: string }[];
};

function docsBody(doc: ReturnType<typeof openApiDocument>, baseUrl: string): SafeHtml {
  const paths = doc.paths as Record<string, Record<string, Operation>>;
  const rows = Object.entries(paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(
      ([method, op]) =>
        html`<tr>
          <td><code>${method.toUpperCase()}</code></td>
          <td><code>${path}</code></td>
          <td>${op.summary}</td>
        </tr>`,
    ),
  );
  const example = `curl -H '${API_KEY_HEADER}: rally_…' -H 'Content-Type: application/json' \\
  -d '{"person":{"given_name":"Sam","email_addresses":[{"address":"sam@example.org","status":"subscribed"}],"postal_addresses":[{"postal_code":"LS28 5AB"}]},"add_tags":["stall"],"rally:consent_wording":"Keep me updated by email"}' \\
  ${baseUrl}${API_PREFIX}/people/person_signup_helper`;
  return html`<p>
      Rally speaks the
      <a href="https://opensupporter.github.io/osdi-docs/">Open Supporter Data Interface</a> (OSDI
      ${'1.1'}) at <code>${baseUrl}${API_PREFIX}</code>: HAL+JSON with <code>_links</code>,
      <code>_embedded</code> and <code>osdi:</code> curies. Start at the entry point and follow its
      links.
    </p>
    <h2>Keys</h2>
    <p>
      An owner creates keys at <code>/admin/api-keys</code>, each allowed to read or write chosen
      resources. Send the key in the <code>OSDI-API-Token</code> header. Each key may make
      ${API_RATE_LIMIT.max} requests a minute; beyond that the answer is 429 with
      <code>Retry-After</code>.
    </p>
    <h2>Pages and filters</h2>
    <p>
      Collections take <code>page</code> and <code>per_page</code> (default ${DEFAULT_PER_PAGE}, at
      most ${MAX_PER_PAGE}) and answer with <code>total_records</code>, <code>total_pages</code> and
      <code>next</code>/<code>prev</code> links. <code>filter</code> supports
      <code>modified_date gt '2026-01-01T00:00:00Z'</code>, <code>modified_date lt '…'</code> and
      (people) <code>email_address eq 'sam@example.org'</code>, joined with <code>and</code>.
      Anything else is refused with a 400.
    </p>
    <h2>Errors</h2>
    <p>
      Every refusal is JSON: <code>{"error": "what was wrong", "response_code": 400}</code>. Unknown
      fields, wrong types and malformed JSON are refused and nothing is written.
    </p>
    <h2>Example</h2>
    <pre><code>${example}</code></pre>
    <h2>Endpoints</h2>
    <p>The machine-readable description: <a href="${API_PREFIX}/openapi.json">OpenAPI 3.1</a>.</p>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col">Path</th>
            <th scope="col">What it does</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
    </div>`;
}

/** /api/docs: a plain page (no third-party scripts), built from the same route list as the description. */
export async function apiDocsRoutes(
  app: FastifyInstance,
  services: Services,
  described: readonly OpenApiRoute[],
) {
  app.get('/api/docs', async (req, reply) =>
    renderPublic(req, reply, {
      title: 'Rally API',
      body: docsBody(
        openApiDocument({
          baseUrl: services.config.baseUrl,
          prefix: API_PREFIX,
          routes: described,
        }),
        services.config.baseUrl,
      ),
    }),
  );
}
