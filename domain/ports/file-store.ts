export interface StoredFileMeta {
  id: string;
  ownerId: string;
  name: string;
  contentType: string;
  size: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  createdAt: string;
  /** ISO-8601 instant after which the file may be pruned (`pruneExpired`); absent: kept until deleted. */
  expiresAt?: string;
}

/**
 * Uploaded files (MyKad copies, CSRs, screenshots). Callers check size and type first
 * (domain/rules/files.ts); the store keeps bytes exactly.
 *
 * Promises: `put` returns a new unique id; `get` returns `undefined` for unknown ids; `head`
 * returns what `get` would return as `meta`, without reading the bytes; `delete`
 * of an unknown id is a no-op; `pruneExpired(now)` deletes exactly the files whose `expiresAt`
 * is at or before `now` and returns how many.
 */
export interface FileStore {
  put(file: { ownerId: string; name: string; contentType: string; bytes: Buffer; expiresAt?: string }): Promise<StoredFileMeta>;
  get(id: string): Promise<{ meta: StoredFileMeta; bytes: Buffer } | undefined>;
  /** The metadata only: for checks of who uploaded a file and its size, which need no bytes. */
  head(id: string): Promise<StoredFileMeta | undefined>;
  delete(id: string): Promise<void>;
  pruneExpired(now: Date): Promise<number>;
}
