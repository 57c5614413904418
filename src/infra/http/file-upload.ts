import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkUploadForgery } from './security.js';

/** Longest text field of an upload form unless the route names a larger one. */
export const UPLOAD_FIELD_MAX_BYTES = 1024;
/** Text fields an upload form may carry beyond those the route reads. */
const IGNORED_FIELDS_ALLOWED = 2;
/** Longest file name kept from an upload. */
const FILENAME_MAX_LENGTH = 200;

export interface UploadLimits {
  /** Largest file accepted: counted while it streams in, never buffered past it. */
  maxFileBytes: number;
  /** Text fields the form carries besides `_csrf`, each with its longest value in bytes. */
  fields?: Record<string, number>;
  /** Said to the user when the file is over maxFileBytes (413). */
  tooLargeMessage: string;
}

/** An upload the route should answer with this status and message, having stored nothing. */
export interface UploadProblem {
  ok: false;
  status: 400 | 413;
  message: string;
}

export interface ReceivedUpload<F> {
  ok: true;
  /** The text fields named in the limits (an urlencoded post's too); `_csrf` is not among them. */
  fields: Record<string, string>;
  /** What `receive` made of the part named "file", when one with a name was sent. */
  file?: F;
}

/**
 * Reads an upload form for a route registered with `config: { csrf: false }` (the global hook
 * cannot see multipart fields): the `_csrf` field, which the form puts before the file, is
 * checked (checkUploadForgery) when the file part arrives, so a forged upload is refused with a
 * 403 before a byte of its file is read, whatever its size. The file is handed to `receive` as
 * it streams; multipart stops it at `maxFileBytes` and the upload is answered 413 with the
 * route's message. A post that is not multipart (a form without a file) is checked the same way.
 * Returns 'refused' once the 403 has been sent.
 */
export async function receiveUpload<F>(
  req: FastifyRequest,
  reply: FastifyReply,
  opts: UploadLimits & {
    baseUrl: string;
    receive: (file: { name: string; stream: Readable }) => Promise<F>;
  },
): Promise<ReceivedUpload<F> | UploadProblem | 'refused'> {
  const allowed = opts.fields ?? {};
  const fields: Record<string, string> = {};
  const forged = (token: string | undefined) =>
    !checkUploadForgery(req, reply, token, opts.baseUrl);
  if (!req.isMultipart()) {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (forged(typeof body._csrf === 'string' ? body._csrf : undefined)) return 'refused';
    for (const [name, maxBytes] of Object.entries(allowed)) {
      const value = body[name];
      if (typeof value !== 'string') continue;
      if (Buffer.byteLength(value) > maxBytes) return tooLong(name);
      fields[name] = value;
    }
    return { ok: true, fields };
  }
  const fieldNames = Object.keys(allowed);
  let token: string | undefined;
  let file: F | undefined;
  let checked = false;
  let receiving = false;
  try {
    for await (const part of req.parts({
      limits: {
        fileSize: opts.maxFileBytes,
        files: 1,
        // _csrf, and room for a field or two the route ignores (a named submit button).
        fields: fieldNames.length + 1 + IGNORED_FIELDS_ALLOWED,
        fieldSize: Math.max(UPLOAD_FIELD_MAX_BYTES, ...Object.values(allowed)),
        parts: fieldNames.length + 2 + IGNORED_FIELDS_ALLOWED,
      },
    })) {
      if (part.type === 'field') {
        if (typeof part.value !== 'string') continue;
        if (part.fieldname === '_csrf') token = part.value;
        else if (Object.hasOwn(allowed, part.fieldname)) {
          if (part.valueTruncated || Buffer.byteLength(part.value) > allowed[part.fieldname]!)
            return tooLong(part.fieldname);
          fields[part.fieldname] = part.value;
        }
        continue;
      }
      if (forged(token)) {
        part.file.resume();
        return 'refused';
      }
      checked = true;
      if (part.fieldname !== 'file' || !part.filename) {
        part.file.resume();
        continue;
      }
      const name = part.filename.slice(0, FILENAME_MAX_LENGTH);
      receiving = true;
      file = await opts.receive({ name, stream: part.file });
      receiving = false;
      // A consumer that stops reading early must not turn an oversized file into a short one.
      if (part.file.truncated) return tooLarge(opts.tooLargeMessage);
    }
  } catch (err) {
    // The route's own errors (a file it cannot read, say) are its to answer.
    const code = (err as { code?: string } | null)?.code;
    if (receiving && !code?.startsWith('FST_')) throw err;
    if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge(opts.tooLargeMessage);
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT')
      return { ok: false, status: 413, message: 'Send one file at a time.' };
    const status = (err as { statusCode?: number } | null)?.statusCode ?? 500;
    if (status >= 400 && status < 500)
      return {
        ok: false,
        status: 400,
        message: 'The upload could not be read. Choose the file again and retry.',
      };
    throw err;
  }
  if (!checked && forged(token)) return 'refused';
  return file === undefined ? { ok: true, fields } : { ok: true, fields, file };
}

export interface UploadedFile {
  name: string;
  bytes: Buffer;
}

/** receiveUpload for a file small enough to read whole (CSV imports, lists). */
export function readUpload(
  req: FastifyRequest,
  reply: FastifyReply,
  opts: UploadLimits & { baseUrl: string },
): Promise<ReceivedUpload<UploadedFile> | UploadProblem | 'refused'> {
  return receiveUpload(req, reply, {
    ...opts,
    receive: async ({ name, stream }) => {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return { name, bytes: Buffer.concat(chunks) };
    },
  });
}

function tooLarge(message: string): UploadProblem {
  return { ok: false, status: 413, message };
}

function tooLong(field: string): UploadProblem {
  return { ok: false, status: 413, message: `The field "${field}" is too long.` };
}
