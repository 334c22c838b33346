import { Readable } from 'node:stream';
import type { Writable } from 'node:stream';
import { ZipArchive } from 'archiver';
import { hashTap } from './hash-tap.js';

/** A file written into the ZIP, as the manifest lists it. */
export interface WrittenFile {
  path: string;
  size: number;
  sha256: string;
}

/**
 * A ZIP streamed into `output` one entry at a time. Each entry's SHA-256 and size are computed from the bytes as they
 * pass, and the next entry is only started when the archive has taken the previous one in whole: the archive's own
 * queue never holds more than one source, and a slow reader slows the producers (backpressure reaches the database).
 */
export class ZipWriter {
  private readonly archive = new ZipArchive({ zlib: { level: 6 } });
  private readonly failed: Promise<never>;

  constructor(private readonly output: Writable) {
    this.failed = new Promise<never>((_, reject) => {
      this.archive.on('error', reject);
      this.archive.on('warning', reject);
      output.on('error', reject);
      output.on('close', () => reject(new Error('the reader went away before the export was complete')));
    });
    // Rejections are observed by whichever step is waiting; this keeps an unobserved one from crashing the process.
    this.failed.catch(() => undefined);
    // The output is ended by close(), not by the archive: the export is audited between the last byte and the end,
    // so a recipient who has the whole file can find its audit event.
    this.archive.pipe(output, { end: false });
  }

  /** Adds one file from a stream, or from an iterable of text and bytes consumed lazily as the archive reads it. */
  async add(path: string, source: Readable | AsyncIterable<string | Buffer> | Iterable<string | Buffer>, date: Date): Promise<WrittenFile> {
    const tap = hashTap();
    const readable = source instanceof Readable ? source : Readable.from(source, { objectMode: false });
    readable.once('error', (error) => tap.stream.destroy(error));
    const added = new Promise<void>((resolve) => {
      const onEntry = (entry: { name: string }) => {
        if (entry.name !== path) return;
        this.archive.off('entry', onEntry);
        resolve();
      };
      this.archive.on('entry', onEntry);
    });
    this.archive.append(readable.pipe(tap.stream), { name: path, date });
    await Promise.race([added, this.failed]);
    return { path, size: tap.size(), sha256: tap.sha256() };
  }

  /** Writes the central directory and waits until `output` has every byte. Returns the ZIP's size. */
  async finish(): Promise<number> {
    const emitted = new Promise<void>((resolve) => this.archive.once('end', resolve));
    await Promise.race([this.archive.finalize(), this.failed]);
    await Promise.race([emitted, this.failed]);
    return this.archive.pointer();
  }

  /** Ends `output` after finish() (the caller's last word first) and waits until it has every byte. */
  async close(): Promise<void> {
    const flushed = new Promise<void>((resolve) => this.output.once('finish', resolve));
    this.output.end();
    await Promise.race([flushed, this.failed]);
  }

  /** Stops at once (the reader left, or a step failed); what was written is not a valid ZIP. */
  abort(): void {
    this.archive.abort();
  }
}
