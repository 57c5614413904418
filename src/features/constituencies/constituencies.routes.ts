import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type SafeHtml, html } from '../../infra/html/html.js';
import { answerInputErrorWith, typedRoutes } from '../../infra/http/input.js';
import { renderAdmin, renderPublic } from '../../infra/http/render.js';
import type { Services } from '../../infra/services.js';
import { getConstituencyDirectory } from './constituency-directory.service.js';
import { findResultsForYear } from './constituencies.repository.js';
import { NOT_LOADED_MESSAGE, getConstituencyProfile } from './constituencies.service.js';
import {
  type ChooserOptions,
  SEARCH_QUERY_MAX_LENGTH,
  renderAdminList,
  renderConstituencyCard,
  renderConstituencyChooser,
  renderConstituencyPage,
  renderConstituencySearchResults,
  renderDataNotes,
  renderPostcodeForm,
} from './constituencies.views.js';
import { POSTCODE_INPUT_MAX_LENGTH } from '../../infra/validation/postcode.js';

const CONSTITUENCY_CODE = /^[ENSW]\d{8}$/;
const FIND_PATH = '/find-your-mp';

const findChooser: ChooserOptions = {
  link: (code) => `${FIND_PATH}?constituency=${encodeURIComponent(code)}`,
  searchAction: FIND_PATH,
};

const oneValue = (label: string, max: number) =>
  z
    .string(`Give one ${label}.`)
    .max(max, `The ${label} is too long (at most ${max} characters).`)
    .optional();

/** Anything longer cannot be a postcode; the page says so rather than echoing it back. */
const POSTCODE_QUERY_MAX_LENGTH = 200;

const findQuery = z.object({
  postcode: oneValue('postcode', POSTCODE_QUERY_MAX_LENGTH),
  constituency: oneValue('constituency', 20),
  q: oneValue('search', SEARCH_QUERY_MAX_LENGTH),
});

const adminQuery = z.object({
  region: oneValue('region', 100),
  q: oneValue('search', SEARCH_QUERY_MAX_LENGTH),
});

const codeParams = z.object({ code: z.string() });

function findPage(
  req: FastifyRequest,
  reply: FastifyReply,
  body: SafeHtml,
  opts: { status?: number; postcode?: string; title?: string } = {},
) {
  const postcode =
    opts.postcode && opts.postcode.length <= POSTCODE_INPUT_MAX_LENGTH ? opts.postcode : '';
  return renderPublic(req, reply, {
    title: opts.title ?? 'Find your MP',
    description: 'Find your constituency and MP from your postcode.',
    status: opts.status ?? 200,
    body: html`<section class="find-your-mp">
      <h1>Find your MP</h1>
      ${renderPostcodeForm({ action: FIND_PATH, value: postcode })} ${body} ${renderDataNotes()}
    </section>`,
  });
}

/** A 404 that offers the finder again, for a constituency asked for by name or code. */
function unknownConstituency(
  req: FastifyRequest,
  reply: FastifyReply,
  asked: string,
  message: string,
  title?: string,
) {
  return findPage(
    req,
    reply,
    renderConstituencyChooser({ status: 'unknown', postcode: asked, message }, findChooser),
    title === undefined ? { status: 404 } : { status: 404, title },
  );
}

export async function constituencyRoutes(base: FastifyInstance, services: Services) {
  const app = typedRoutes(base);
  const { db } = services;
  const findOptions = {
    schema: { querystring: findQuery },
    errorHandler: answerInputErrorWith((req, reply, problem) =>
      findPage(req, reply, html`<p class="flash flash-error" role="alert">${problem}</p>`, {
        status: 400,
      }),
    ),
  };

  app.get(FIND_PATH, findOptions, async (req, reply) => {
    const { postcode, constituency, q } = req.query;
    const directory = await getConstituencyDirectory(db);
    if (!directory.isLoaded())
      return findPage(
        req,
        reply,
        html`<p class="flash flash-error" role="alert">
          The constituency finder is not set up yet. Please try again later.
        </p>`,
        { status: 503 },
      );

    if (constituency !== undefined && constituency.trim() !== '') {
      const profile = await getConstituencyProfile(services, constituency);
      if (!profile)
        return unknownConstituency(
          req,
          reply,
          constituency,
          'We do not know that constituency. Find yours by postcode or by name.',
        );
      return findPage(
        req,
        reply,
        renderConstituencyCard(profile, {
          detailsLink: `/constituencies/${profile.constituency.code}`,
        }),
        { title: `Your MP: ${profile.constituency.name}` },
      );
    }

    if (postcode !== undefined && postcode.trim() !== '') {
      const lookup = directory.lookupPostcode(postcode);
      if (lookup.status === 'found' && lookup.candidates.length === 1) {
        const profile = await getConstituencyProfile(services, lookup.candidates[0]!.code);
        if (profile)
          return findPage(
            req,
            reply,
            html`<p role="status">${lookup.postcode} is in ${profile.constituency.name}.</p>
              ${renderConstituencyCard(profile, {
                detailsLink: `/constituencies/${profile.constituency.code}`,
              })}`,
            { postcode: lookup.postcode, title: `Your MP: ${profile.constituency.name}` },
          );
      }
      const status = lookup.status === 'invalid' ? 400 : lookup.status === 'unknown' ? 404 : 200;
      return findPage(req, reply, renderConstituencyChooser(lookup, findChooser), {
        status,
        postcode: lookup.status === 'invalid' ? postcode : lookup.postcode,
      });
    }

    if (q !== undefined)
      return findPage(
        req,
        reply,
        renderConstituencySearchResults(q, directory.search(q), findChooser),
      );

    return findPage(
      req,
      reply,
      html`<p>
          Enter your postcode to see your constituency, your MP and how it voted in 2017 and 2019.
        </p>
        <p><a href="${FIND_PATH}?q=">Or find your constituency by name</a></p>`,
    );
  });

  app.get('/constituencies/:code', { schema: { params: codeParams } }, async (req, reply) => {
    const code = req.params.code.toUpperCase();
    const profile = CONSTITUENCY_CODE.test(code)
      ? await getConstituencyProfile(services, code)
      : undefined;
    if (!profile)
      return unknownConstituency(
        req,
        reply,
        code,
        'There is no constituency with that code. Find yours by postcode or by name.',
        'Constituency not found',
      );
    return renderPublic(req, reply, {
      title: profile.constituency.name,
      description: `${profile.constituency.name}: MP and 2017 and 2019 general election results.`,
      body: renderConstituencyPage(profile),
    });
  });

  const adminTitle = 'Constituencies';
  const adminProblem = (req: FastifyRequest, reply: FastifyReply, problem: string) =>
    renderAdmin(req, reply, {
      title: adminTitle,
      status: 400,
      body: html`<p><a href="/admin/constituencies">Show all constituencies</a></p>`,
      flash: { kind: 'error', message: problem },
    });
  const adminOptions = {
    config: { role: 'viewer' as const },
    schema: { querystring: adminQuery },
    errorHandler: answerInputErrorWith(adminProblem),
  };

  app.get('/admin/constituencies', adminOptions, async (req, reply) => {
    const directory = await getConstituencyDirectory(db);
    const title = adminTitle;
    if (!directory.isLoaded())
      return renderAdmin(req, reply, {
        title,
        body: html`<p>${NOT_LOADED_MESSAGE}</p>`,
      });
    const region = req.query.region?.trim() ?? '';
    const q = req.query.q?.trim() ?? '';
    const regions = directory.regions();
    if (region && !regions.includes(region))
      return adminProblem(req, reply, `There is no region called “${region}”.`);
    const matching = (q ? directory.search(q) : directory.all()).filter(
      (c) => !region || c.region === region,
    );
    const [ge2017, ge2019] = await Promise.all([
      findResultsForYear(db, 2017),
      findResultsForYear(db, 2019),
    ]);
    return renderAdmin(req, reply, {
      title,
      body: renderAdminList({
        rows: matching.map((c) => ({
          constituency: c,
          ge2017: ge2017.get(c.code),
          ge2019: ge2019.get(c.code),
        })),
        regions,
        region,
        q,
        total: directory.all().length,
      }),
    });
  });
}
