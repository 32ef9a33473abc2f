import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { FileStore } from '../../domain/ports/file-store.js';
import type { Factory, Fixture } from './harness.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** The FileStore contract: exact bytes, size and sha256, unique ids, delete. */
export function fileStoreContract(adapterName: string, factory: Factory<FileStore>): void {
  describe(`FileStore contract (${adapterName})`, () => {
    let fx: Fixture<FileStore>;
    let files: FileStore;
    beforeEach(async () => {
      fx = await factory();
      files = fx.subject;
    });
    afterEach(async () => {
      await fx.close();
    });

    it('put returns the metadata with the size and sha256 of the bytes', async () => {
      const meta = await files.put({ ownerId: 'p1', name: 'mykad.png', contentType: 'image/png', bytes: everyByte });
      expect(meta).to.deep.include({ ownerId: 'p1', name: 'mykad.png', contentType: 'image/png', size: 256, sha256: sha256(everyByte) });
      expect(meta.id).to.be.a('string').and.not.equal('');
      expect(Number.isNaN(Date.parse(meta.createdAt))).to.equal(false);
    });

    it('get returns exactly the bytes that were put, with the same metadata', async () => {
      const big = Buffer.concat([everyByte, randomBytes(1024 * 1024 + 7), everyByte]);
      const meta = await files.put({ ownerId: 'p1', name: 'request.csr', contentType: 'application/pkcs10', bytes: big });
      const got = await files.get(meta.id);
      expect(got).to.not.equal(undefined);
      expect(got!.meta).to.deep.equal(meta);
      expect(got!.bytes.length).to.equal(big.length);
      expect(Buffer.compare(got!.bytes, big)).to.equal(0);
      expect(sha256(got!.bytes)).to.equal(meta.sha256);
    });

    it('an empty file round-trips', async () => {
      const meta = await files.put({ ownerId: 'p1', name: 'empty.txt', contentType: 'text/plain', bytes: Buffer.alloc(0) });
      expect(meta.size).to.equal(0);
      expect(meta.sha256).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      expect((await files.get(meta.id))?.bytes.length).to.equal(0);
    });

    it('every put gets a new id, even for the same bytes', async () => {
      const put = () => files.put({ ownerId: 'p1', name: 'same.png', contentType: 'image/png', bytes: everyByte });
      const metas = await Promise.all([put(), put(), put()]);
      expect(new Set(metas.map((m) => m.id)).size).to.equal(3);
    });

    it('get of an unknown id returns undefined', async () => {
      await files.put({ ownerId: 'p1', name: 'a.png', contentType: 'image/png', bytes: everyByte });
      expect(await files.get('00000000-0000-4000-8000-000000000000')).to.equal(undefined);
      expect(await files.get('../../etc/passwd')).to.equal(undefined);
    });

    it('head gives the metadata get gives, for a file that exists only', async () => {
      const big = Buffer.concat([everyByte, randomBytes(300_000)]);
      const kept = await files.put({
        ownerId: 'p2',
        name: 'mykad.jpg',
        contentType: 'image/jpeg',
        bytes: big,
        expiresAt: '2030-01-01T00:00:00.000Z',
      });
      const other = await files.put({ ownerId: 'p1', name: 'b.png', contentType: 'image/png', bytes: everyByte });
      expect(await files.head(kept.id))
        .to.deep.equal(kept)
        .and.deep.equal((await files.get(kept.id))?.meta);
      expect((await files.head(kept.id))?.size).to.equal(big.length);
      expect(await files.head(other.id)).to.deep.equal(other);
      expect(await files.head('00000000-0000-4000-8000-000000000000')).to.equal(undefined);
      expect(await files.head('../../etc/passwd')).to.equal(undefined);
      await files.delete(kept.id);
      expect(await files.head(kept.id)).to.equal(undefined);
      expect(await files.head(other.id)).to.deep.equal(other);
    });

    it('delete removes one file and leaves the others; deleting an unknown id is a no-op', async () => {
      const a = await files.put({ ownerId: 'p1', name: 'a.bin', contentType: 'application/octet-stream', bytes: Buffer.from('a') });
      const b = await files.put({ ownerId: 'p1', name: 'b.bin', contentType: 'application/octet-stream', bytes: Buffer.from('b') });
      await files.delete(a.id);
      expect(await files.get(a.id)).to.equal(undefined);
      expect((await files.get(b.id))?.bytes.toString()).to.equal('b');
      await files.delete(a.id);
      await files.delete('no-such-id');
      expect((await files.get(b.id))?.meta).to.deep.equal(b);
    });

    it('keeps an expiry with the file; pruneExpired removes exactly the files at or past it, once', async () => {
      const bytes = Buffer.from('x');
      const gone = await files.put({
        ownerId: 'p1',
        name: 'old.png',
        contentType: 'image/png',
        bytes,
        expiresAt: '2026-01-10T00:00:00.000Z',
      });
      const edge = await files.put({
        ownerId: 'p1',
        name: 'edge.png',
        contentType: 'image/png',
        bytes,
        expiresAt: '2026-01-15T00:00:00.000Z',
      });
      const later = await files.put({
        ownerId: 'p1',
        name: 'later.png',
        contentType: 'image/png',
        bytes,
        expiresAt: '2026-02-01T00:00:00.000Z',
      });
      const kept = await files.put({ ownerId: 'p1', name: 'kept.png', contentType: 'image/png', bytes });
      expect(gone.expiresAt).to.equal('2026-01-10T00:00:00.000Z');
      expect(kept.expiresAt).to.equal(undefined);
      expect((await files.get(later.id))?.meta).to.deep.equal(later);

      expect(await files.pruneExpired(new Date('2026-01-15T00:00:00.000Z'))).to.equal(2);
      expect(await files.get(gone.id)).to.equal(undefined);
      expect(await files.get(edge.id)).to.equal(undefined);
      expect((await files.get(later.id))?.meta.id).to.equal(later.id);
      expect((await files.get(kept.id))?.meta.id).to.equal(kept.id);
      expect(await files.pruneExpired(new Date('2026-01-15T00:00:00.000Z'))).to.equal(0);
      expect(await files.pruneExpired(new Date('2030-01-01T00:00:00.000Z'))).to.equal(1);
      expect((await files.get(kept.id))?.meta.id).to.equal(kept.id);
    });
  });
}
