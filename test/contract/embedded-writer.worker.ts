/**
 * Worker thread for the embedded test: opens its own connection to a shared store file, waits
 * for `go` (so all threads start together), then creates cases and audit entries as fast as it
 * can, so several threads really contend for SQLite's write lock.
 */
import { once } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { createEmbeddedStore } from '../../infra/store/embedded/index.js';

const { file, filesDir, count } = workerData as { file: string; filesDir: string; count: number };
const port = parentPort!;
const store = createEmbeddedStore({ file, filesDir });
const go = once(port, 'message');
port.postMessage({ ready: true });
await go;
const ids: string[] = [];
try {
  for (let i = 0; i < count; i++) {
    const c = await store.cases.create({ kind: 'SC', status: 'SUBMITTED', applicantId: 'p1', data: {}, timeline: [], createdAt: '2026-07-01T00:00:00.000Z' });
    ids.push(c.id);
    await store.audit.append({ caseId: 'SC-2026-SHARED', at: '2026-07-01T00:00:00.000Z', actorId: 'worker', action: `step-${i}` });
  }
  port.postMessage({ ids });
} catch (e) {
  // Structured clone loses the class; send what the test needs to report the failure.
  port.postMessage({ error: `${(e as Error).name}: ${(e as Error).message}` });
} finally {
  await store.close();
}
