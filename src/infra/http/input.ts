import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type ZodTypeProvider,
  hasZodFastifySchemaValidationErrors,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * One input layer: every route validates its params, query and body with zod schemas declared
 * on the route (`schema: { params, querystring, body }`), and its handler sees the parsed,
 * typed values. No `req.params as …` casts, no hand-written field readers.
 *
 * Form bodies stay lenient (text fields default to '', so a half-filled form reaches the service,
 * which answers with field errors and a 422 page); what the schema refuses is input no form of
 * ours can send: a repeated field (`a=1&a=2`), an object, a malformed id.
 */
export function registerInputValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(validatorCompiler);
}

/** The app as routes should use it: handlers get their schemas' output types. */
export function typedRoutes(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}

export type TypedApp = ReturnType<typeof typedRoutes>;

/** A schema failure as the visitor should read it: what was wrong, field by field. */
export function describeInputError(
  error: FastifyError,
): { status: number; message: string } | undefined {
  if (!hasZodFastifySchemaValidationErrors(error)) return undefined;
  // A URL whose id does not parse names nothing: that is "not found", not "bad request".
  if (error.validationContext === 'params')
    return { status: 404, message: 'There is nothing at this address.' };
  const where = error.validationContext === 'querystring' ? 'In the address' : 'In the form';
  const fields = error.validation.map((issue) => {
    const field = issue.instancePath.replace(/^\//, '').replaceAll('/', '.') || 'the request';
    return `${field}: ${issue.message}`;
  });
  return { status: 400, message: `${where}, ${fields.join('; ')}.` };
}

/**
 * A route's own answer when its query or body fails the schema: typically the same page again
 * with the problem shown beside the form, rather than the app's bare error page. A params failure
 * (404) and every other error go on to the app's handler.
 */
export function answerInputErrorWith(
  render: (req: FastifyRequest, reply: FastifyReply, problem: string) => unknown,
) {
  return (error: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    if (!hasZodFastifySchemaValidationErrors(error) || error.validationContext === 'params')
      throw error;
    return render(req, reply, error.validation[0]?.message ?? 'The request was not valid.');
  };
}

/**
 * The largest id our tables hold: `id` is a 32-bit integer on PostgreSQL, which refuses to even
 * compare a larger number with it (an error, so a 500), whereas no such row can exist.
 */
export const MAX_ID = 2_147_483_647;

/** Database ids as written in URLs and forms: no sign, no leading zero, at most MAX_ID. */
export const positiveId = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'must be a positive whole number')
  .transform(Number)
  .refine((id) => id <= MAX_ID, `must be at most ${MAX_ID}`);

/** `/…/:id` routes. */
export const idParams = z.object({ id: positiveId });

/** A free-text form field: absent means empty; its limits are the service's rules. */
export const formText = z.string().default('');

/** A field that may repeat (ticked boxes, a multi-select): always a list of strings. */
export const formList = z
  .union([z.string(), z.array(z.string())])
  .default([])
  .transform((v) => (typeof v === 'string' ? [v] : v));

/** A checkbox: present (any value) means ticked. */
export const formCheckbox = z
  .string()
  .optional()
  .transform((v) => v !== undefined);

/**
 * `?page=N` where a bad number is the reader's mistake to be told about (400 with `message`),
 * not quietly page 1: printed pages (a delivery list) must not pass page 0 off as page 1.
 */
export const strictPageNumber = (message = 'Pages are numbered 1, 2, 3…') =>
  z
    .string(message)
    .regex(/^[1-9]\d{0,5}$/, message)
    .transform(Number)
    .default(1);

/** `?page=N` for paginated lists: anything that is not a page number reads as the first page. */
export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1).default(1),
});
