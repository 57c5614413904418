/**
 * Evidence on a case: quoted text (with the civility guard's reading attached), links, and files
 * whose type is read from their bytes, never their name. Files are served only to caseworkers,
 * and every opening is logged.
 */
import { fileTypeFromBuffer } from 'file-type';
import type { Actor } from '../../infra/service-context.js';
import { parseWebUrl } from '../../infra/validation/text-rules.js';
import { campaignGuard } from '../civility/campaign-guard.service.js';
import { type CaseContext, type CaseTx, caseEvent, onCase, staffIdentity } from './case-context.js';
import * as repo from './cases.repository.js';
import { getBytes, putBytes } from './evidence-store.js';
import {
  CaseError,
  EVIDENCE_MAX_BYTES,
  EVIDENCE_TYPES,
  LINK_MAX_LENGTH,
  SUMMARY_MAX_LENGTH,
  requireText,
} from './cases.rules.js';

export interface EvidenceFile {
  name: string;
  bytes: Buffer;
}

type Party = 'complainant' | 'respondent' | 'staff';

/** The file's real type, or a 4xx naming what is accepted. */
export async function checkEvidenceFile(file: EvidenceFile): Promise<string> {
  if (file.bytes.length === 0) throw new CaseError('The file is empty.', 400);
  if (file.bytes.length > EVIDENCE_MAX_BYTES)
    throw new CaseError(`Files can be at most ${EVIDENCE_MAX_BYTES / 1024 / 1024} MB.`, 413);
  const sniffed = await fileTypeFromBuffer(file.bytes);
  if (!sniffed || !EVIDENCE_TYPES.has(sniffed.mime))
    throw new CaseError(
      `Only ${[...EVIDENCE_TYPES.values()].join(', ')} files are accepted (by their content, not their name).`,
      415,
    );
  return sniffed.mime;
}

export async function storeFile(
  tx: CaseTx,
  caseId: number,
  file: EvidenceFile,
  party: Party,
  staffId: number | null,
): Promise<number> {
  const mime = await checkEvidenceFile(file);
  const stored = await putBytes(tx.config.caseFilesDir, file.bytes);
  if (stored.stored_name) tx.writtenFiles.push(stored.stored_name);
  return repo.insertEvidence(tx.trx, {
    case_id: caseId,
    kind: 'file',
    body: file.name,
    file_name: file.name,
    mime_type: mime,
    byte_size: file.bytes.length,
    ...stored,
    added_by_party: party,
    added_by: staffId,
    created_at: tx.clock.now().toISOString(),
  });
}

export async function addQuotedText(
  tx: CaseTx,
  caseId: number,
  text: string,
  party: Party,
  staffId: number | null,
  kind: 'text' | 'reply' = 'text',
): Promise<number> {
  const reading = (await campaignGuard(tx.db)).assess(text);
  return repo.insertEvidence(tx.trx, {
    case_id: caseId,
    kind,
    body: text,
    guard_score: reading.score,
    guard_decision: reading.decision,
    guard_labels: JSON.stringify(reading.labels),
    added_by_party: party,
    added_by: staffId,
    created_at: tx.clock.now().toISOString(),
  });
}

/** A caseworker adds evidence: one of text, a link or a file per submission. */
export async function addEvidence(
  ctx: CaseContext,
  input: { caseId: number; text: string; link: string; file?: EvidenceFile | undefined },
  actor: Actor,
): Promise<void> {
  const text = input.text.trim();
  const link = input.link.trim();
  if (!text && !link && !input.file)
    throw new CaseError('Add some text, a link or a file: the evidence was empty.', 400);
  if (link && (link.length > LINK_MAX_LENGTH || !parseWebUrl(link)))
    throw new CaseError('The link must be a full web address (https://…).', 400);
  if (input.file) await checkEvidenceFile(input.file);
  await onCase(ctx, input.caseId, actor, async (tx, c, me) => {
    if (c.status === 'closed' || c.minimised_at)
      throw new CaseError('The case is closed: no more evidence can be added.', 409);
    if (text)
      await addQuotedText(
        tx,
        c.id,
        requireText(text, 'the text', SUMMARY_MAX_LENGTH),
        'staff',
        me.id,
      );
    if (link)
      await repo.insertEvidence(tx.trx, {
        case_id: c.id,
        kind: 'link',
        body: link,
        added_by_party: 'staff',
        added_by: me.id,
        created_at: tx.clock.now().toISOString(),
      });
    if (input.file) await storeFile(tx, c.id, input.file, 'staff', me.id);
    await caseEvent(tx, c.id, 'evidence', me.id);
  });
}

/** A file for a caseworker, the opening logged. */
export async function readEvidenceFile(
  ctx: CaseContext,
  input: { caseId: number; evidenceId: number },
  actor: Actor,
): Promise<{ id: number; mime: string; bytes: Buffer } | undefined> {
  const me = await staffIdentity(ctx, actor);
  const row = await repo.findEvidence(ctx.db.kysely, input.caseId, input.evidenceId);
  if (!row || row.kind !== 'file') return undefined;
  const bytes = await getBytes(ctx.config.caseFilesDir, row);
  if (!bytes) return undefined;
  await repo.logView(ctx.db.kysely, {
    case_id: input.caseId,
    staff_id: me.id,
    what: `file ${row.id}`,
    created_at: ctx.clock.now().toISOString(),
  });
  return { id: row.id, mime: row.mime_type ?? 'application/octet-stream', bytes };
}
