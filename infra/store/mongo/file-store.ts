import { createHash } from 'node:crypto';
import { finished } from 'node:stream/promises';
import { mongo, type Connection } from 'mongoose';
import type { Clock } from '../../../domain/ports/clock.js';
import type { FileStore, StoredFileMeta } from '../../../domain/ports/file-store.js';
import { systemClock, type MongoAdapterOptions } from './shared.js';

/** What the store keeps in a GridFS file's `metadata` (GridFS itself keeps the id, name and length). */
export interface FileMetadata {
  ownerId: string;
  contentType: string;
  sha256: string;
  createdAt: string;
  /** Absent: kept until deleted. A Date, so the prune query compares instants. */
  expiresAt?: Date;
}

/** The parts of a GridFS files document the mapping reads and writes. */
export type FileDoc = Pick<mongo.GridFSFile, '_id' | 'filename' | 'length'> & { metadata: FileMetadata };

const OBJECT_ID_HEX = /^[0-9a-f]{24}$/;

/** The files collection's indexes: GridFS's lookup by name, and the expiry the prune filters on. */
export const GRIDFS_FILES_INDEXES: mongo.IndexDescription[] = [
  { key: { filename: 1, uploadDate: 1 }, name: 'filename_1_uploadDate_1' },
  // Sparse: most files never expire and need no entry.
  { key: { 'metadata.expiresAt': 1 }, name: 'metadata.expiresAt_1', sparse: true },
];
/** The chunks collection's index: a file's chunks in order, one per (file, n). */
export const GRIDFS_CHUNKS_INDEXES: mongo.IndexDescription[] = [{ key: { files_id: 1, n: 1 }, name: 'files_id_1_n_1', unique: true }];

/** Domain metadata → the GridFS files document fields (`_id`, `filename`, `length`, `metadata`). */
export function fileMetaToDoc(m: StoredFileMeta): FileDoc {
  return {
    _id: new mongo.ObjectId(m.id),
    filename: m.name,
    length: m.size,
    metadata: {
      ownerId: m.ownerId,
      contentType: m.contentType,
      sha256: m.sha256,
      createdAt: m.createdAt,
      ...(m.expiresAt ? { expiresAt: new Date(m.expiresAt) } : {}),
    },
  };
}

/** A GridFS files document → domain metadata; a file this store did not write is refused. */
export function fileMetaFromDoc(d: Pick<mongo.GridFSFile, '_id' | 'filename' | 'length' | 'metadata'>): StoredFileMeta {
  const md = d.metadata as Partial<FileMetadata> | undefined;
  if (
    !md ||
    typeof md.ownerId !== 'string' ||
    typeof md.contentType !== 'string' ||
    typeof md.sha256 !== 'string' ||
    typeof md.createdAt !== 'string'
  ) {
    throw new Error(`GridFS file ${d._id.toHexString()} has no file-store metadata`);
  }
  return {
    id: d._id.toHexString(),
    ownerId: md.ownerId,
    name: d.filename,
    contentType: md.contentType,
    size: d.length,
    sha256: md.sha256,
    createdAt: md.createdAt,
    ...(md.expiresAt instanceof Date ? { expiresAt: md.expiresAt.toISOString() } : {}),
  };
}

/** The ObjectId behind a file id, or undefined for text that cannot be one of ours. */
function objectIdOf(id: string): mongo.ObjectId | undefined {
  return OBJECT_ID_HEX.test(id) ? new mongo.ObjectId(id) : undefined;
}

/**
 * {@link FileStore} on GridFS (bucket `<prefix>files`), metadata in each file's `metadata`.
 *
 * The files document is written last on upload (the driver inserts it after every chunk) and
 * removed first on delete, so a listed file never points at missing chunks.
 */
export class MongoFileStore implements FileStore {
  private readonly connection: Connection;
  private readonly bucketName: string;
  private readonly clock: Clock;
  private cachedBucket?: mongo.GridFSBucket;

  constructor(opts: MongoAdapterOptions) {
    this.connection = opts.connection;
    this.bucketName = `${opts.prefix ?? ''}files`;
    this.clock = opts.clock ?? systemClock;
  }

  /**
   * Creates the bucket's indexes at start (createMongoStore calls it): GridFS's own two, which the
   * driver would otherwise build on the first upload, in the middle of a user's turn, and on an
   * empty bucket only; and the one the daily `pruneExpired` filters on. Same names and keys as
   * the driver's, so its own check finds them and creates nothing.
   */
  async init(): Promise<void> {
    const db = this.db();
    await db.collection(`${this.bucketName}.files`).createIndexes(GRIDFS_FILES_INDEXES);
    await db.collection(`${this.bucketName}.chunks`).createIndexes(GRIDFS_CHUNKS_INDEXES);
  }

  async put(file: { ownerId: string; name: string; contentType: string; bytes: Buffer; expiresAt?: string }): Promise<StoredFileMeta> {
    const meta: StoredFileMeta = {
      id: new mongo.ObjectId().toHexString(),
      ownerId: file.ownerId,
      name: file.name,
      contentType: file.contentType,
      size: file.bytes.length,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      createdAt: this.clock.now().toISOString(),
      ...(file.expiresAt ? { expiresAt: new Date(file.expiresAt).toISOString() } : {}),
    };
    const doc = fileMetaToDoc(meta);
    const upload = this.bucket().openUploadStreamWithId(doc._id, doc.filename, { metadata: doc.metadata });
    try {
      upload.end(file.bytes);
      await finished(upload);
    } catch (e) {
      // The files document was never inserted; remove the chunks already written. (Not
      // `upload.abort()`: it refuses once the stream has ended, which is when the last insert fails.)
      await this.db()
        .collection(`${this.bucketName}.chunks`)
        .deleteMany({ files_id: doc._id })
        .catch(() => undefined);
      throw e;
    }
    return meta;
  }

  async head(id: string): Promise<StoredFileMeta | undefined> {
    const oid = objectIdOf(id);
    if (!oid) return undefined;
    const doc = await this.bucket().find({ _id: oid }).limit(1).next();
    return doc ? fileMetaFromDoc(doc) : undefined;
  }

  async get(id: string): Promise<{ meta: StoredFileMeta; bytes: Buffer } | undefined> {
    const oid = objectIdOf(id);
    if (!oid) return undefined;
    const bucket = this.bucket();
    const doc = await bucket.find({ _id: oid }).limit(1).next();
    if (!doc) return undefined;
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of bucket.openDownloadStream(oid)) chunks.push(chunk as Buffer);
    } catch (e) {
      // Deleted between the lookup and the download: that is "not found", anything else is not.
      if (!(await bucket.find({ _id: oid }).limit(1).hasNext())) return undefined;
      throw e;
    }
    return { meta: fileMetaFromDoc(doc), bytes: Buffer.concat(chunks) };
  }

  async delete(id: string): Promise<void> {
    const oid = objectIdOf(id);
    if (!oid) return;
    // What GridFSBucket.delete does, minus its "file not found" error: deleting an unknown id
    // is a no-op here, and that error can only be told apart by its message.
    const db = this.db();
    await db.collection(`${this.bucketName}.files`).deleteOne({ _id: oid });
    await db.collection(`${this.bucketName}.chunks`).deleteMany({ files_id: oid });
  }

  async pruneExpired(now: Date): Promise<number> {
    const expired = await this.db()
      .collection(`${this.bucketName}.files`)
      .find({ 'metadata.expiresAt': { $lte: now } }, { projection: { _id: 1 } })
      .toArray();
    for (const d of expired) await this.delete((d._id as mongo.ObjectId).toHexString());
    return expired.length;
  }

  private db(): mongo.Db {
    const db = this.connection.db;
    if (!db) throw new Error('MongoFileStore used before its connection was opened');
    return db;
  }

  /** One bucket per store: a bucket checks GridFS's indexes once, on its first upload. */
  private bucket(): mongo.GridFSBucket {
    this.cachedBucket ??= new mongo.GridFSBucket(this.db(), { bucketName: this.bucketName });
    return this.cachedBucket;
  }
}
