/**
 * The CA's append-only ledger (JSON Lines): issued certificates, revocations, CRL numbers.
 *
 * Append-only because an issued certificate must never be lost once it has been handed out,
 * and appending never rewrites what is already durable. An append resolves only after fdatasync;
 * appends that arrive while a sync is in flight are written together (group commit), so
 * concurrent issues do not pay one sync each.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { CertificateProfile, RevocationReason } from '../../domain/certificates.js';

/** Persistence records: kept apart from the port's `IssuedCertificate` on purpose. */
export type LedgerEntry =
  | {
      t: 'issued';
      key: string;
      serial: string;
      profile: CertificateProfile;
      certPem: string;
      notBefore: string;
      notAfter: string;
      at: string;
    }
  | { t: 'revoked'; serial: string; reason: RevocationReason; at: string }
  | { t: 'crl'; number: number; at: string };

interface Pending {
  line: string;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class Ledger {
  private queue: Pending[] = [];
  private flushing = false;

  private constructor(
    private readonly file: FileHandle,
    private size: number,
  ) {}

  /**
   * Opens (creating if needed) the ledger and returns its entries. A torn last line, left by a
   * crash in the middle of an append, was never acknowledged to anyone: it is cut off. A bad line
   * anywhere else is corruption and fails the open.
   */
  static async open(path: string): Promise<{ ledger: Ledger; entries: LedgerEntry[] }> {
    const file = await open(path, 'a+', 0o600);
    try {
      const text = (await file.readFile()).toString('utf8');
      const lastNewline = text.lastIndexOf('\n');
      const complete = text.slice(0, lastNewline + 1);
      const entries = complete
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line, i) => {
          try {
            return JSON.parse(line) as LedgerEntry;
          } catch {
            throw new Error(`CA ledger ${path} is corrupt at line ${i + 1}`);
          }
        });
      const size = Buffer.byteLength(complete);
      if (size !== Buffer.byteLength(text)) {
        await file.truncate(size);
        await file.datasync();
      }
      return { ledger: new Ledger(file, size), entries };
    } catch (e) {
      await file.close();
      throw e;
    }
  }

  /** Resolves once the entry is on disk. */
  append(entry: LedgerEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ line: `${JSON.stringify(entry)}\n`, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  async close(): Promise<void> {
    while (this.flushing) await new Promise((r) => setImmediate(r));
    await this.file.close();
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      const data = batch.map((p) => p.line).join('');
      try {
        await this.file.appendFile(data);
        await this.file.datasync();
        this.size += Buffer.byteLength(data);
        for (const p of batch) p.resolve();
      } catch (e) {
        // Cut off a partial write so the next append does not glue onto half a line.
        await this.file.truncate(this.size).catch(() => undefined);
        for (const p of batch) p.reject(e);
      }
    }
    this.flushing = false;
  }
}
