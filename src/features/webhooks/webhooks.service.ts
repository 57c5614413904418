import { sql } from 'kysely';
import {
  DOMAIN_EVENT_TYPES,
  type DomainEvent,
  type DomainEventType,
} from '../../infra/events/domain-events.js';
import type { JobContext } from '../../infra/jobs/job-queue.js';
import {
  type Actor,
  type ServiceContext,
  actorId,
  inTransaction,
  queries,
} from '../../infra/service-context.js';
import type { Services } from '../../infra/services.js';
import { listStaff } from '../staff/staff.service.js';
import {
  WebhookAddressError,
  checkEndpointUrl,
  newWebhookSecret,
  sendWebhook,
} from './webhook-sender.js';

export const DELIVER_JOB = 'webhooks.deliver';
/** Attempts per delivery, with the worker's backoff between them (10 s, 40 s, 2.5 min … 1 h). */
export const DELIVERY_ATTEMPTS = 8;
/** An endpoint failing this long without one success is disabled and its owners told. */
export const DISABLE_AFTER_MS = 3 * 24 * 60 * 60 * 1000;
export const DELIVERY_LOG_SIZE = 50;
export const URL_MAX_LENGTH = 500;

export class WebhookInputError extends Error {
  readonly statusCode = 422;
}

export interface Endpoint {
  id: number;
  url: string;
  eventTypes: DomainEventType[];
  secret: string;
  enabled: boolean;
  failingSince: string | null;
  disabledReason: string | null;
  createdAt: string;
}

type EndpointRow = {
  id: number;
  url: string;
  event_types: string;
  secret: string;
  enabled: number;
  failing_since: string | null;
  disabled_reason: string | null;
  created_at: string;
};

function toEndpoint(r: EndpointRow): Endpoint {
  return {
    id: r.id,
    url: r.url,
    eventTypes: JSON.parse(r.event_types) as DomainEventType[],
    secret: r.secret,
    enabled: r.enabled === 1,
    failingSince: r.failing_since,
    disabledReason: r.disabled_reason,
    createdAt: r.created_at,
  };
}

export async function registerEndpoint(
  ctx: ServiceContext & Pick<Services, 'config'>,
  input: { url: string; eventTypes: string[] },
  actor: Actor,
): Promise<Endpoint> {
  if (input.url.length > URL_MAX_LENGTH)
    throw new WebhookInputError(`A webhook address has at most ${URL_MAX_LENGTH} characters.`);
  let url: string;
  try {
    url = checkEndpointUrl(input.url, ctx.config.webhooksAllowPrivate);
  } catch (err) {
    if (err instanceof WebhookAddressError) throw new WebhookInputError(err.message);
    throw err;
  }
  const types = DOMAIN_EVENT_TYPES.filter((t) => input.eventTypes.includes(t));
  if (types.length === 0) throw new WebhookInputError('Choose at least one event to send.');
  const now = ctx.clock.now().toISOString();
  return inTransaction(ctx, async ({ trx }) => {
    const row = await trx
      .insertInto('webhook_endpoints')
      .values({
        url,
        event_types: JSON.stringify(types),
        secret: newWebhookSecret(),
        enabled: 1,
        failing_since: null,
        disabled_reason: null,
        created_by: actorId(actor),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'webhook.create',
        subjectType: 'webhook_endpoint',
        subjectId: row.id,
        details: { url, types },
      },
      trx,
    );
    return toEndpoint(row);
  });
}

export async function listEndpoints(ctx: Pick<ServiceContext, 'db' | 'trx'>): Promise<Endpoint[]> {
  const rows = await queries(ctx)
    .selectFrom('webhook_endpoints')
    .selectAll()
    .orderBy('id')
    .execute();
  return rows.map(toEndpoint);
}

export async function getEndpoint(ctx: Pick<ServiceContext, 'db' | 'trx'>, id: number) {
  const row = await queries(ctx)
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toEndpoint(row) : undefined;
}

/** An owner turns an endpoint off, or back on (which forgets its run of failures). */
export async function setEndpointEnabled(
  ctx: ServiceContext,
  input: { id: number; enabled: boolean },
  actor: Actor,
): Promise<boolean> {
  return inTransaction(ctx, async ({ trx }) => {
    const done = await trx
      .updateTable('webhook_endpoints')
      .set({
        enabled: input.enabled ? 1 : 0,
        failing_since: null,
        disabled_reason: input.enabled ? null : 'Turned off by an owner.',
        updated_at: ctx.clock.now().toISOString(),
      })
      .where('id', '=', input.id)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) return false;
    await ctx.audit.record(
      {
        actorUserId: actorId(actor),
        action: input.enabled ? 'webhook.enable' : 'webhook.disable',
        subjectType: 'webhook_endpoint',
        subjectId: input.id,
      },
      trx,
    );
    return true;
  });
}

export async function listDeliveries(ctx: Pick<ServiceContext, 'db' | 'trx'>, endpointId: number) {
  return queries(ctx)
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .orderBy('id', 'desc')
    .limit(DELIVERY_LOG_SIZE)
    .execute();
}

async function enqueueDelivery(ctx: ServiceContext, deliveryId: number) {
  await ctx.jobs.enqueue(
    DELIVER_JOB,
    { deliveryId },
    {
      maxAttempts: DELIVERY_ATTEMPTS,
      runAt: ctx.clock.now(),
      ...(ctx.trx ? { trx: ctx.trx } : {}),
    },
  );
}

/** "Send again": the same event (same webhook-id, so receivers can de-duplicate), a fresh job. */
export async function resendDelivery(
  ctx: ServiceContext,
  input: { endpointId: number; deliveryId: number },
  actor: Actor,
): Promise<boolean> {
  return inTransaction(ctx, async (tx) => {
    const done = await tx.trx
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', last_error: null })
      .where('id', '=', input.deliveryId)
      .where('endpoint_id', '=', input.endpointId)
      .where('status', '!=', 'pending')
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) return false;
    await enqueueDelivery(tx, input.deliveryId);
    await tx.audit.record(
      {
        actorUserId: actorId(actor),
        action: 'webhook.resend',
        subjectType: 'webhook_delivery',
        subjectId: input.deliveryId,
      },
      tx.trx,
    );
    return true;
  });
}

/** The domain-event job: one delivery (and its job) per enabled endpoint that wants the type. */
export function fanOutHandler(services: Services) {
  return async (payload: unknown) => {
    const event = payload as DomainEvent;
    const endpoints = (await listEndpoints(services)).filter(
      (e) => e.enabled && e.eventTypes.includes(event.type),
    );
    if (endpoints.length === 0) return;
    const body = JSON.stringify({
      type: event.type,
      timestamp: event.occurredAt,
      data: event.data,
    });
    await inTransaction(services, async (tx) => {
      for (const endpoint of endpoints) {
        // A retried fan-out must not deliver twice: one delivery per (endpoint, event).
        const exists = await tx.trx
          .selectFrom('webhook_deliveries')
          .select('id')
          .where('endpoint_id', '=', endpoint.id)
          .where('event_id', '=', event.id)
          .executeTakeFirst();
        if (exists) continue;
        const row = await tx.trx
          .insertInto('webhook_deliveries')
          .values({
            endpoint_id: endpoint.id,
            event_id: event.id,
            event_type: event.type,
            body,
            status: 'pending',
            attempts: 0,
            response_code: null,
            last_error: null,
            created_at: tx.clock.now().toISOString(),
            last_attempt_at: null,
            delivered_at: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await enqueueDelivery(tx, row.id);
      }
    });
  };
}

/**
 * One attempt at one delivery. A failure throws, so the job queue retries it with backoff; the
 * endpoint's run of failures is tracked across deliveries, and after DISABLE_AFTER_MS of nothing
 * but failures the endpoint is disabled and the owners are emailed.
 */
export function deliverHandler(services: Services) {
  return async (payload: unknown, job: JobContext) => {
    const deliveryId = (payload as { deliveryId?: unknown } | null)?.deliveryId;
    if (typeof deliveryId !== 'number') return;
    const delivery = await services.db.kysely
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', deliveryId)
      .executeTakeFirst();
    if (!delivery || delivery.status === 'delivered') return;
    const endpoint = await getEndpoint(services, delivery.endpoint_id);
    const now = services.clock.now();
    if (!endpoint?.enabled) {
      await services.db.kysely
        .updateTable('webhook_deliveries')
        .set({ status: 'failed', last_error: 'The endpoint is disabled.' })
        .where('id', '=', deliveryId)
        .execute();
      return;
    }
    const result = await sendWebhook({
      url: endpoint.url,
      secret: endpoint.secret,
      id: delivery.event_id,
      timestamp: Math.floor(now.getTime() / 1000),
      body: delivery.body,
      allowPrivate: services.config.webhooksAllowPrivate,
    });
    const at = now.toISOString();
    const finalAttempt = job.attempt >= job.maxAttempts;
    // Read before the transaction: SQLite's one connection would wait on it from outside.
    const owners = result.ok ? [] : await ownerEmails(services);
    await inTransaction(services, async (tx) => {
      await tx.trx
        .updateTable('webhook_deliveries')
        .set({
          status: result.ok ? 'delivered' : finalAttempt ? 'failed' : 'pending',
          attempts: sql<number>`attempts + 1`,
          response_code: result.status,
          last_error: result.error,
          last_attempt_at: at,
          delivered_at: result.ok ? at : null,
        })
        .where('id', '=', deliveryId)
        .execute();
      if (result.ok) {
        if (endpoint.failingSince)
          await tx.trx
            .updateTable('webhook_endpoints')
            .set({ failing_since: null, updated_at: at })
            .where('id', '=', endpoint.id)
            .execute();
        return;
      }
      const since = endpoint.failingSince ?? at;
      if (now.getTime() - new Date(since).getTime() >= DISABLE_AFTER_MS)
        await disableFailingEndpoint(tx, services, endpoint, { since, at, owners });
      else if (!endpoint.failingSince)
        await tx.trx
          .updateTable('webhook_endpoints')
          .set({ failing_since: at, updated_at: at })
          .where('id', '=', endpoint.id)
          .execute();
    });
    if (!result.ok && !finalAttempt) throw new Error(result.error ?? 'delivery failed');
  };
}

async function ownerEmails(services: Services): Promise<string[]> {
  const staff = await listStaff(services);
  return staff.filter((s) => s.role === 'owner' && !s.disabled_at).map((s) => s.email);
}

async function disableFailingEndpoint(
  tx: ServiceContext,
  services: Services,
  endpoint: Endpoint,
  { since, at, owners }: { since: string; at: string; owners: string[] },
) {
  const reason = `Disabled automatically: every delivery failed from ${since} to ${at}.`;
  const changed = await queries(tx)
    .updateTable('webhook_endpoints')
    .set({ enabled: 0, disabled_reason: reason, updated_at: at })
    .where('id', '=', endpoint.id)
    .where('enabled', '=', 1)
    .executeTakeFirst();
  if (Number(changed.numUpdatedRows) !== 1) return;
  await tx.audit.record(
    {
      actorUserId: null,
      action: 'webhook.auto-disable',
      subjectType: 'webhook_endpoint',
      subjectId: endpoint.id,
    },
    queries(tx),
  );
  for (const to of owners)
    await tx.mailer.send(
      {
        to,
        subject: 'A webhook endpoint was disabled',
        text: [
          `Rally stopped sending events to ${endpoint.url}: it has not accepted a delivery for three days.`,
          '',
          reason,
          '',
          `Check the receiver, then turn the endpoint back on at ${services.config.baseUrl}/admin/webhooks/${endpoint.id}.`,
        ].join('\n'),
        category: 'webhooks.disabled',
      },
      tx.trx,
    );
}

/** Erasure: deliveries keep their record, not the person's details they carried. */
export async function redactDeliveries(
  ex: ReturnType<typeof queries>,
  needles: string[],
): Promise<void> {
  for (const needle of needles.filter((n) => n.length > 0)) {
    const pattern = `%${needle.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    await ex
      .updateTable('webhook_deliveries')
      .set({ body: sql<string>`replace(body, ${needle}, '[erased]')` })
      .where(sql<boolean>`body like ${pattern} escape '\\'`)
      .execute();
  }
}
