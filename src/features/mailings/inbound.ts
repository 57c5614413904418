import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Services } from '../../infra/services.js';
import {
  type Feedback,
  applyFeedback,
  readDeliveryStatus,
  readFeedbackReport,
} from './bounces.service.js';
import { resolveUnsubscribeToken, unsubscribe } from './unsubscribe.service.js';

/** Bounce and complaint reports are small; anything larger is not one. */
export const INBOUND_MAX_BYTES = 1024 * 1024;

/** `bounces+<token>@…` (VERP) or `unsubscribe+<token>@…` (the List-Unsubscribe mailto). */
const RCPT = /^(bounces|unsubscribe)\+([^@]+)@/i;

/**
 * The report in a parsed message. mailparser folds message/delivery-status and
 * message/feedback-report parts into the text body, so the report type comes from the
 * multipart/report header and the fields from the text (or from an attachment, where a part is
 * kept as one).
 */
async function feedbackOf(raw: Buffer): Promise<Feedback | null> {
  const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextLinks: true });
  const contentType = parsed.headers.get('content-type') as
    { value?: string; params?: Record<string, string> } | undefined;
  const reportType = (contentType?.params?.['report-type'] ?? '').toLowerCase();
  const texts = [
    ...parsed.attachments
      .filter((a) => /^message\/(global-)?(delivery-status|feedback-report)$/i.test(a.contentType))
      .map((a) => a.content.toString('utf8')),
    parsed.text ?? '',
  ];
  for (const text of texts) {
    const f =
      reportType === 'feedback-report' || /^feedback-type:/im.test(text)
        ? readFeedbackReport(text)
        : readDeliveryStatus(text);
    if (f) return f;
  }
  return null;
}

export interface InboundServer {
  port: number;
  close(): Promise<void>;
}

/**
 * `rally inbound`: an SMTP listener that accepts mail only for VERP and unsubscribe addresses,
 * reads DSNs and ARF reports, and updates recipient rows and the suppression list.
 */
export async function startInboundServer(
  services: Services,
  opts: { port: number; host?: string; onProcessed?: () => void },
): Promise<InboundServer> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: INBOUND_MAX_BYTES,
    logger: false,
    onRcptTo: (address, _session, callback) => {
      if (RCPT.test(address.address)) return callback();
      callback(Object.assign(new Error('No such mailbox here'), { responseCode: 550 }));
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (stream.sizeExceeded)
          return callback(Object.assign(new Error('Message too large'), { responseCode: 552 }));
        const raw = Buffer.concat(chunks);
        handle(
          services,
          raw,
          session.envelope.rcptTo.map((r) => r.address),
        ).then(
          () => {
            callback();
            opts.onProcessed?.();
          },
          (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(opts.port, opts.host ?? '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function handle(services: Services, raw: Buffer, rcpts: string[]): Promise<void> {
  for (const rcpt of rcpts) {
    const m = RCPT.exec(rcpt);
    if (!m) continue;
    const [, box, token] = m;
    if (box!.toLowerCase() === 'unsubscribe') {
      const target = await resolveUnsubscribeToken(services, token!);
      if (target) await unsubscribe(services, target, 'mailto');
      continue;
    }
    const target = await resolveUnsubscribeToken(services, token!, 'verp');
    if (!target || target.subject.kind !== 'recipient') continue;
    const feedback = await feedbackOf(raw);
    if (feedback)
      await applyFeedback(
        services,
        target.subject.recipientId,
        feedback,
        feedback.kind === 'complaint' ? 'arf' : 'dsn',
      );
  }
}
