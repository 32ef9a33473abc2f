/**
 * Worker thread for the embedded test: opens its own connection to a shared store file, waits
 * for `go` (so all threads start together), then creates cases, audit entries, registrations of
 * shared identities and audited updates of one shared case as fast as it can, so several threads
 * really contend for SQLite's write lock.
 */
import { once } from 'node:events';
import { threadId, parentPort, workerData } from 'node:worker_threads';
import { isDomainError } from '../../domain/errors.js';
import { createEmbeddedStore } from '../../infra/store/embedded/index.js';

const { file, filesDir, count, sharedCaseId, identities } = workerData as {
  file: string;
  filesDir: string;
  count: number;
  sharedCaseId: string;
  identities: number;
};
const port = parentPort!;
const store = createEmbeddedStore({ file, filesDir });
const go = once(port, 'message');
port.postMessage({ ready: true });
await go;
const ids: string[] = [];
// Who each shared identity resolved to in this thread: every thread must see the same person.
const people: Record<string, string> = {};
let updates = 0;
try {
  for (let i = 0; i < count; i++) {
    const c = await store.cases.create({
      kind: 'SC',
      status: 'SUBMITTED',
      applicantId: 'p1',
      data: {},
      timeline: [],
      createdAt: '2026-07-01T00:00:00.000Z',
    });
    ids.push(c.id);
    await store.audit.append({ caseId: 'SC-2026-SHARED', at: '2026-07-01T00:00:00.000Z', actorId: 'worker', action: `step-${i}` });
    const userId = `shared-${i % identities}`;
    people[userId] = (
      await store.directory.findOrRegister(
        { channelId: 'webchat', userId },
        { id: `u-${threadId}-${i}`, name: 'Pengguna', roles: ['USER'] },
      )
    ).id;
    try {
      const shared = (await store.cases.get(sharedCaseId))!;
      await store.cases.updateWithAudit(
        { ...shared, status: `T${threadId}-${i}` },
        { at: '2026-07-01T00:00:00.000Z', actorId: 'worker', action: 'moved' },
      );
      updates++;
    } catch (e) {
      // Another thread moved the case between the read and the write: the expected loss.
      if (!isDomainError(e) || e.code !== 'CASE_STALE') throw e;
    }
  }
  port.postMessage({ ids, people, updates });
} catch (e) {
  // Structured clone loses the class; send what the test needs to report the failure.
  port.postMessage({ error: `${(e as Error).name}: ${(e as Error).message}` });
} finally {
  await store.close();
}
