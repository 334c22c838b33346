import type { Request } from 'express';
import busboy from 'busboy';
import { AppError } from '../core/errors.js';
import { normalizeMimeType } from '../core/blobs/mime-type.js';
import type { OutboundFile } from '../core/channel-rules/media-limits.js';
import { findUnstorableText } from '../core/channel-rules/unstorable-text.js';

export interface MultipartLimits {
  /** Field name the files come under. */
  fileField: string;
  maxFiles: number;
  maxFileBytes: number;
  /** Every file together. */
  maxTotalBytes: number;
  /** The text fields this form may carry. */
  fields: readonly string[];
  maxFieldBytes: number;
}

export interface MultipartForm {
  fields: Record<string, string>;
  files: OutboundFile[];
}

export const isMultipart = (req: Request): boolean => /^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '');

/**
 * Reads a multipart/form-data body (RFC 7578) into memory within the limits: a file or the whole over its limit is a
 * 413, more files or an unknown field a 400, a field repeated or not UTF-8 a 400. Nothing is stored from here.
 */
export function readMultipart(req: Request, limits: MultipartLimits): Promise<MultipartForm> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { files: limits.maxFiles, fileSize: limits.maxFileBytes, fields: limits.fields.length, fieldSize: limits.maxFieldBytes, parts: limits.maxFiles + limits.fields.length },
      });
    } catch (error) {
      reject(new AppError('bad_request', `the multipart body cannot be read: ${(error as Error).message}`));
      return;
    }
    const fields: Record<string, string> = {};
    const files: OutboundFile[] = [];
    let total = 0;
    let failed: AppError | null = null;
    const fail = (error: AppError) => {
      if (failed) return;
      failed = error;
      req.unpipe(parser);
      // The rest of the upload is read and dropped, so the client gets the answer instead of a reset connection.
      req.resume();
      reject(error);
    };

    parser.on('field', (name, value, info) => {
      // A file part without a file name arrives as a field.
      if (name === limits.fileField) return fail(new AppError('bad_request', `${limits.fileField}[${files.length}]: each file needs a name (at most 255 characters)`));
      if (!limits.fields.includes(name)) return fail(new AppError('bad_request', `${name}: not a field of this form (fields: ${limits.fields.join(', ')}, ${limits.fileField})`));
      if (name in fields) return fail(new AppError('bad_request', `${name}: given twice`));
      if (info.valueTruncated) return fail(new AppError('payload_too_large', `${name}: longer than ${limits.maxFieldBytes} bytes`));
      if (findUnstorableText(value)) return fail(new AppError('bad_request', `${name}: text with a NUL character or an unpaired surrogate cannot be stored`));
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== limits.fileField) {
        stream.resume();
        return fail(new AppError('bad_request', `${name}: files go in the field "${limits.fileField}"`));
      }
      const fileName = (info.filename ?? '').trim();
      if (!fileName || fileName.length > 255 || findUnstorableText(fileName)) {
        stream.resume();
        return fail(new AppError('bad_request', `${limits.fileField}[${files.length}]: each file needs a name (at most 255 characters)`));
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > limits.maxTotalBytes) {
          stream.resume();
          return fail(new AppError('payload_too_large', `the files come to more than ${limits.maxTotalBytes / 1024 / 1024} MB, the most one send takes`));
        }
        chunks.push(chunk);
      });
      stream.on('limit', () => fail(new AppError('payload_too_large', `"${fileName}" is larger than ${limits.maxFileBytes / 1024 / 1024} MB, the most one file may be`)));
      stream.on('end', () => {
        if (!failed) files.push({ fileName, mimeType: normalizeMimeType(info.mimeType), data: Buffer.concat(chunks) });
      });
    });
    parser.on('filesLimit', () => fail(new AppError('bad_request', `${limits.fileField}: at most ${limits.maxFiles} files in one send`)));
    parser.on('fieldsLimit', () => fail(new AppError('bad_request', 'too many fields')));
    parser.on('partsLimit', () => fail(new AppError('bad_request', 'too many parts')));
    parser.on('error', (error: Error) => fail(new AppError('bad_request', `the multipart body is malformed: ${error.message}`)));
    parser.on('close', () => {
      if (!failed) resolve({ fields, files });
    });
    req.pipe(parser);
  });
}
