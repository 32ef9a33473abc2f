export interface StoredFileMeta {
  id: string;
  ownerId: string;
  name: string;
  contentType: string;
  size: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  createdAt: string;
}

/**
 * Uploaded files (MyKad copies, CSRs, screenshots). Callers check size and type first
 * (domain/rules/files.ts); the store keeps bytes exactly.
 *
 * Promises: `put` returns a new unique id; `get` returns `undefined` for unknown ids; `delete`
 * of an unknown id is a no-op.
 */
export interface FileStore {
  put(file: { ownerId: string; name: string; contentType: string; bytes: Buffer }): Promise<StoredFileMeta>;
  get(id: string): Promise<{ meta: StoredFileMeta; bytes: Buffer } | undefined>;
  delete(id: string): Promise<void>;
}
