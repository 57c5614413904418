import type { FastifyRequest } from 'fastify';

/** A multipart form of one file (the part named "file") and a few text fields. */
export interface UploadedForm {
  /** Text fields by name; a repeated one keeps its last value. */
  fields: Record<string, string>;
  file?: { name: string; bytes: Buffer };
}

/** What multipart reports for an upload over its limits (413) or not well formed (400, 406). */
export type UploadRefusal = { status: 400 | 406 | 413 };

/**
 * Reads a whole multipart upload into memory: for imports whose file limit (set where multipart
 * is registered) is small. The caller checks the form's CSRF token among the fields.
 */
export async function readFileUpload(req: FastifyRequest): Promise<UploadedForm | UploadRefusal> {
  const fields: Record<string, string> = {};
  let file: UploadedForm['file'];
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        if (part.fieldname === 'file') file = { name: part.filename, bytes };
      } else if (typeof part.value === 'string') fields[part.fieldname] = part.value;
    }
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 413 || status === 400 || status === 406) return { status };
    throw err;
  }
  return file ? { fields, file } : { fields };
}
