import { createHmac, randomBytes } from 'node:crypto';
import { lookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';

/** A receiver gets this long to answer before the attempt counts as failed. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** Only the start of a receiver's answer is kept for the log. */
const RESPONSE_KEEP_BYTES = 1024;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** Standard Webhooks 1.0: base64 HMAC-SHA256, keyed by the secret's bytes, over `id.timestamp.body`. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** Addresses no webhook may reach unless WEBHOOKS_ALLOW_PRIVATE: this host, its networks. */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return PRIVATE.check(mapped[1], 'ipv4');
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class WebhookAddressError extends Error {}

/**
 * The endpoint URL an owner may register: HTTPS (plain HTTP only when private addresses are
 * allowed, for a local receiver) and no credentials in it.
 */
export function checkEndpointUrl(raw: string, allowPrivate: boolean): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new WebhookAddressError('Enter the full address, starting https://');
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:'))
    throw new WebhookAddressError('Webhook addresses must start https://');
  if (url.username || url.password)
    throw new WebhookAddressError('Leave user names and passwords out of the address.');
  if (
    !allowPrivate &&
    isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0 &&
    isPrivateAddress(url.hostname.replace(/^\[|\]$/g, ''))
  )
    throw new WebhookAddressError('Webhook addresses must be public, not this network’s own.');
  return url.toString();
}

export interface SendResult {
  ok: boolean;
  status: number | null;
  error: string | null;
}

/**
 * POSTs one signed delivery. The private-address check runs on every address the name resolves
 * to, inside the connection's own lookup: the address checked is the one connected to, so a
 * name that re-resolves to 127.0.0.1 after registration (DNS rebinding) is still refused.
 */
export function sendWebhook(opts: {
  url: string;
  secret: string;
  id: string;
  timestamp: number;
  body: string;
  allowPrivate: boolean;
}): Promise<SendResult> {
  const url = new URL(opts.url);
  const client = url.protocol === 'https:' ? https : http;
  const guardedLookup: typeof lookup = ((
    hostname: string,
    options: object,
    callback: (err: Error | null, address: unknown, family?: number) => void,
  ) => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      const list = addresses;
      const refused = !opts.allowPrivate && list.some((a) => isPrivateAddress(a.address));
      if (refused)
        return callback(
          new WebhookAddressError(`${hostname} resolves to a private address`),
          '',
          4,
        );
      if ((options as { all?: boolean }).all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(new Error(`${hostname} did not resolve`), '', 4);
      callback(null, first.address, first.family);
    });
  }) as typeof lookup;
  return new Promise((resolve) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        lookup: guardedLookup,
        timeout: DELIVERY_TIMEOUT_MS,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Rally-Webhooks/1',
          'webhook-id': opts.id,
          'webhook-timestamp': String(opts.timestamp),
          'webhook-signature': signWebhook(opts.secret, opts.id, opts.timestamp, opts.body),
        },
      },
      (res) => {
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          kept += chunk.length;
          if (kept > RESPONSE_KEEP_BYTES) res.destroy();
        });
        res.on('close', () => {
          const status = res.statusCode ?? null;
          const ok = status !== null && status >= 200 && status < 300;
          resolve({ ok, status, error: ok ? null : `The receiver answered ${status ?? '?'}.` });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('The receiver did not answer in time.')));
    req.on('error', (err) => resolve({ ok: false, status: null, error: err.message }));
    req.end(opts.body);
  });
}
