import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Role } from '../auth/auth.tables.js';
import { requireStaff } from '../auth/guard.js';
import { html } from '../html/html.js';
import type { Actor } from '../service-context.js';
import { formText, idParams, typedRoutes } from './input.js';
import { renderAdmin, setFlash } from './render.js';
import { renderAdminNotFound } from './admin-not-found.js';

const statusBody = z.object({ action: formText });

/** A failed create or update: field errors, plus whatever else the form shows (guard flags…). */
export interface FormFailure {
  ok: false;
  errors: Record<string, string>;
}
export type FormOutcome<R> = { ok: true; record: R } | FormFailure;
type FailureOf<O> = Extract<O, { ok: false }>;
type SuccessOf<O> = Extract<O, { ok: true }>;

/** What the resource's form page is asked to show. */
export interface FormPage<Form, R, F> {
  title: string;
  /** Where the form posts. */
  action: string;
  submitLabel: string;
  form: Form;
  status: number;
  /** The record being edited (absent on "new"). */
  record?: R;
  /** Why the last submit was refused. */
  failure?: F;
  /** The submit was a "refresh" (e.g. a target search), not a save. */
  refreshing: boolean;
}

export interface StatusChange<Action extends string, R> {
  actions: Readonly<Record<Action, { label: string }>>;
  isAction(value: string): value is Action;
  change(
    record: R,
    action: Action,
    actor: Actor,
  ): Promise<{ ok: true } | { ok: false; message: string }>;
}

/**
 * An organiser-managed record (petition, letter campaign, storm, tracker) and the five routes
 * each of them had written by hand: new, create, edit, update and status changes. List and detail
 * pages stay with the feature: they differ; these did not, and had drifted.
 */
export interface AdminResource<
  R,
  Form,
  Body extends z.ZodType,
  O extends FormOutcome<R>,
  Action extends string,
> {
  /** '/admin/storms' */
  base: string;
  /** 'storm': "There is no such storm.", "Back to the storm". */
  noun: string;
  /** 'All storms' */
  listLabel: string;
  /** 'New storm' by default. */
  newTitle?: string;
  /** 'Create draft' by default. */
  createLabel?: string;
  /** Role for writes; pages to read records declare their own. */
  writeRole?: Role;
  bodyLimit?: number;
  load(id: number): Promise<R | undefined>;
  href(record: NoInfer<R>): string;
  title(record: NoInfer<R>): string;
  /** The form body: lenient text fields (see infra/http/input.ts). */
  body: Body;
  /** Body → the service's form shape. */
  toForm(body: z.output<Body>): Form;
  emptyForm(req: FastifyRequest): Form | Promise<Form>;
  formOf(record: NoInfer<R>): Form;
  /** A submit that only refreshes the form (e.g. storms' target search): no save. */
  isRefresh?(body: z.output<Body>): boolean;
  renderForm(
    req: FastifyRequest,
    reply: FastifyReply,
    page: FormPage<Form, R, FailureOf<O>>,
    body?: z.output<Body>,
  ): Promise<unknown>;
  create(form: Form, actor: Actor): Promise<O>;
  update(record: NoInfer<R>, form: Form, actor: Actor): Promise<O>;
  /** The flash after a create; the outcome carries what else the service did (targets added…). */
  createdMessage(record: NoInfer<R>, outcome: SuccessOf<O>): string;
  /** The flash after an update: 'Saved.' by default. */
  savedMessage?(record: NoInfer<R>, outcome: SuccessOf<O>): string;
  /** Drop what the public pages cached of a record: called for it before and after each write. */
  forgetCached?(record: NoInfer<R>): void;
  status?: StatusChange<Action, NoInfer<R>>;
}

/**
 * Registers the resource's write routes and returns `withRecord`, the load-or-404 wrapper for
 * the feature's own routes on `base/:id…`.
 */
export function registerAdminResource<
  R,
  Form,
  Body extends z.ZodType,
  O extends FormOutcome<R>,
  Action extends string,
>(base: FastifyInstance, spec: AdminResource<R, Form, Body, O, Action>) {
  const app = typedRoutes(base);
  const write = { role: spec.writeRole ?? ('organiser' as const) };
  const notFound = (req: FastifyRequest, reply: FastifyReply) =>
    renderAdminNotFound(req, reply, `There is no such ${spec.noun}.`, {
      href: spec.base,
      label: spec.listLabel,
    });

  /** Loads the record named by `:id`, or answers the admin 404 page. */
  async function withRecord<T>(
    req: FastifyRequest & { params: { id: number } },
    reply: FastifyReply,
    then: (record: R) => T | Promise<T>,
  ) {
    const record = await spec.load(req.params.id);
    if (record === undefined) return notFound(req, reply);
    return then(record);
  }

  const newPage = { action: spec.base, submitLabel: spec.createLabel ?? 'Create draft' };
  const editPage = (record: R) => ({
    title: `Edit: ${spec.title(record)}`,
    action: spec.href(record),
    submitLabel: 'Save',
    record,
  });
  const newTitle = spec.newTitle ?? `New ${spec.noun}`;

  app.get(`${spec.base}/new`, { config: write }, async (req, reply) =>
    spec.renderForm(req, reply, {
      ...newPage,
      title: newTitle,
      form: await spec.emptyForm(req),
      status: 200,
      refreshing: false,
    }),
  );

  /**
   * Create and update alike: a refresh shows the form again as submitted, a refusal shows it with
   * its errors (422), a save redirects to the record with a flash.
   */
  async function submit(
    req: FastifyRequest,
    reply: FastifyReply,
    page: { title: string; action: string; submitLabel: string; record?: R },
    save: (form: Form, actor: Actor) => Promise<O>,
    savedMessage: (record: R, result: SuccessOf<O>) => string,
  ) {
    const body = req.body as z.output<Body>;
    const form = spec.toForm(body);
    const shown = { ...page, form };
    if (spec.isRefresh?.(body))
      return spec.renderForm(req, reply, { ...shown, status: 200, refreshing: true }, body);
    const result = await save(form, requireStaff(req));
    if (!result.ok)
      return spec.renderForm(
        req,
        reply,
        { ...shown, status: 422, failure: result as FailureOf<O>, refreshing: false },
        body,
      );
    if (page.record) spec.forgetCached?.(page.record);
    spec.forgetCached?.(result.record);
    setFlash(reply, {
      kind: 'success',
      message: savedMessage(result.record, result as SuccessOf<O>),
    });
    return reply.redirect(spec.href(result.record), 303);
  }

  app.post(
    spec.base,
    { config: write, schema: { body: spec.body }, bodyLimit: spec.bodyLimit },
    (req, reply) =>
      submit(
        req,
        reply,
        { ...newPage, title: newTitle },
        (form, actor) => spec.create(form, actor),
        (record, result) => spec.createdMessage(record, result),
      ),
  );

  app.get(`${spec.base}/:id/edit`, { config: write, schema: { params: idParams } }, (req, reply) =>
    withRecord(req, reply, (record) =>
      spec.renderForm(req, reply, {
        ...editPage(record),
        form: spec.formOf(record),
        status: 200,
        refreshing: false,
      }),
    ),
  );

  app.post(
    `${spec.base}/:id`,
    { config: write, schema: { params: idParams, body: spec.body }, bodyLimit: spec.bodyLimit },
    (req, reply) =>
      withRecord(req, reply, (record) =>
        submit(
          req,
          reply,
          editPage(record),
          (form, actor) => spec.update(record, form, actor),
          (saved, result) => spec.savedMessage?.(saved, result) ?? 'Saved.',
        ),
      ),
  );

  const { status } = spec;
  if (status)
    app.post(
      `${spec.base}/:id/status`,
      { config: write, schema: { params: idParams, body: statusBody } },
      (req, reply) =>
        withRecord(req, reply, async (record) => {
          const { action } = req.body;
          if (!status.isAction(action))
            return renderAdmin(req, reply, {
              title: 'Unknown action',
              status: 400,
              body: html`<p>
                  Unknown action: choose one of the buttons on the ${spec.noun}'s page.
                </p>
                <p><a href="${spec.href(record)}">Back to the ${spec.noun}</a></p>`,
            });
          const result = await status.change(record, action, requireStaff(req));
          // A status change keeps the address: the record's own cache entry is all there is.
          spec.forgetCached?.(record);
          setFlash(
            reply,
            result.ok
              ? { kind: 'success', message: `${status.actions[action].label}: done.` }
              : { kind: 'error', message: result.message },
          );
          return reply.redirect(spec.href(record), 303);
        }),
    );

  return { withRecord, notFound };
}
