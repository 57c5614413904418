import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * Things that happened which someone outside the feature may want to hear about (webhooks
 * today). A feature raises one with `emitDomainEvent(executor, …)` inside the transaction of
 * its own change: the event is a row in the job table, so it exists exactly when the change
 * committed, and whoever handles DOMAIN_EVENT_JOB (the webhooks feature) fans it out later.
 * Features therefore never import their listeners.
 */
export const DOMAIN_EVENT_JOB = 'domain-event';

/** Every event type Rally raises; listeners subscribe to these names. */
export const DOMAIN_EVENT_TYPES = [
  'person.created',
  'person.updated',
  'consent.changed',
  'signature.confirmed',
  'letter.sent',
  'comment.held',
  'rsvp.created',
] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

export interface DomainEvent {
  /** Unique and stable across retries: receivers de-duplicate by it. */
  id: string;
  type: DomainEventType;
  occurredAt: string;
  /** Ids and the few fields a receiver needs; never more personal data than the type implies. */
  data: Record<string, unknown>;
}

/** Retries belong to the listener's own deliveries, not to the fan-out. */
const FAN_OUT_ATTEMPTS = 3;

export async function emitDomainEvent(
  executor: Kysely<Database>,
  type: DomainEventType,
  data: Record<string, unknown>,
  occurredAt: string = new Date().toISOString(),
): Promise<void> {
  const event: DomainEvent = { id: `evt_${randomUUID()}`, type, occurredAt, data };
  // Due at once whichever clock the worker reads (tests run services on a manual clock).
  const wallNow = new Date().toISOString();
  const due = occurredAt < wallNow ? occurredAt : wallNow;
  await executor
    .insertInto('jobs')
    .values({
      type: DOMAIN_EVENT_JOB,
      payload: JSON.stringify(event),
      status: 'pending',
      attempts: 0,
      max_attempts: FAN_OUT_ATTEMPTS,
      run_at: due,
      created_at: wallNow,
      updated_at: wallNow,
    })
    .execute();
}
