import type { Generated } from 'kysely';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface WebhookTables {
  webhook_endpoints: {
    id: Generated<number>;
    url: string;
    /** JSON text: the DomainEventType names this endpoint receives. */
    event_types: string;
    /** `whsec_<base64>`: kept readable, since every delivery is signed with it. */
    secret: string;
    /** 1 while deliveries go out; 0 once disabled (by an owner, or after failing for days). */
    enabled: number;
    /** When the current run of failures began; null while the endpoint answers. */
    failing_since: string | null;
    disabled_reason: string | null;
    created_by: number | null;
    created_at: string;
    updated_at: string;
  };
  webhook_deliveries: {
    id: Generated<number>;
    endpoint_id: number;
    /** The event's id: the `webhook-id` header, the same on every retry and resend. */
    event_id: string;
    event_type: string;
    /** The exact JSON sent (signed as is). */
    body: string;
    status: DeliveryStatus;
    attempts: number;
    response_code: number | null;
    last_error: string | null;
    created_at: string;
    last_attempt_at: string | null;
    delivered_at: string | null;
  };
}

declare module '../../infra/db/schema.js' {
  interface Database extends WebhookTables {}
}
