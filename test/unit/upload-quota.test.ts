import { expect } from 'chai';
import { UploadQuota } from '../../bot/directline/upload-quota.js';
import { openEmbeddedDb, type Db } from '../../infra/store/embedded/db.js';
import { SqliteRateLimits } from '../../infra/store/embedded/rate-limits.js';

const T0 = new Date('2026-05-01T01:00:00.000Z');
const HOUR = 3_600_000;

/** The quota arithmetic on the real embedded RateLimits adapter (an in-memory SQLite database). */
describe('UploadQuota (on SqliteRateLimits)', () => {
  let db: Db;
  let limits: SqliteRateLimits;
  let now: Date;
  let quota: UploadQuota;
  beforeEach(() => {
    db = openEmbeddedDb(':memory:');
    limits = new SqliteRateLimits({ db });
    now = T0;
    quota = new UploadQuota({ limits, maxFilesPerHour: 3, maxBytesPerHour: 1000, now: () => now });
  });
  afterEach(() => db.close());

  const totals = async (user: string, conv: string) =>
    Promise.all(
      [`upload:files:person:${user}`, `upload:bytes:person:${user}`, `upload:files:conv:${conv}`, `upload:bytes:conv:${conv}`].map(
        async (k) => (await limits.peek(k, now)).total,
      ),
    );

  it('takes up to the limit, refuses past it with the seconds left in the window, and counts nothing refused', async () => {
    expect(await quota.take('u', 'c', 2, 100)).to.include({ ok: true });
    expect(await quota.take('u', 'c', 1, 100)).to.include({ ok: true });
    now = new Date(T0.getTime() + 10 * 60_000);
    expect(await quota.take('u', 'c', 1, 1)).to.deep.equal({ ok: false, retryAfterSeconds: 50 * 60 });
    expect(await totals('u', 'c')).to.deep.equal([3, 200, 3, 200]);
  });

  it('refuses on bytes alone, per person across conversations and per conversation across people', async () => {
    expect(await quota.take('u', 'c1', 1, 900)).to.include({ ok: true });
    expect(await quota.take('u', 'c2', 1, 200), 'the person has 100 bytes left').to.include({ ok: false });
    expect(await quota.take('v', 'c1', 1, 200), 'the conversation has 100 bytes left').to.include({ ok: false });
    expect(await quota.take('v', 'c2', 1, 200)).to.include({ ok: true });
    expect(await totals('u', 'c1')).to.deep.equal([1, 900, 1, 900]);
  });

  it('release gives an upload back within its window, and nothing once that window has ended', async () => {
    const taken = await quota.take('u', 'c', 2, 500);
    if (!taken.ok) return expect.fail('refused');
    await taken.release();
    expect(await totals('u', 'c')).to.deep.equal([0, 0, 0, 0]);

    const late = await quota.take('u', 'c', 3, 500);
    if (!late.ok) return expect.fail('refused');
    now = new Date(T0.getTime() + HOUR + 1);
    await late.release();
    // The next window starts at zero, not below it.
    expect(await totals('u', 'c')).to.deep.equal([0, 0, 0, 0]);
    expect(await quota.take('u', 'c', 3, 1000)).to.include({ ok: true });
    expect(await quota.take('u', 'c', 1, 1)).to.include({ ok: false });
  });
});
