/**
 * `npm run audit -- verify [--checkpoint file.json] [--public-key pubkey.pem] [--json]`
 * `npm run audit -- prove <caseId> [--checkpoint file.json]`
 * `npm run audit -- checkpoint`
 *
 * On the configured store (DATA_DIR's SQLite file, or MongoDB when MONGODB_URI is set), through the
 * same ports the bot uses. `verify` checks every case's chain link by link and then against a
 * signed checkpoint (the latest in the store, or one saved from GET /audit/checkpoints), naming
 * the first broken entry of each case. `prove` prints what an auditor needs to check one case
 * with openssl and sha256sum (README: "Checking the audit trail as an auditor"). `checkpoint`
 * signs one now, as the periodic job does.
 * Exits 0 when all is well; 1 when something is broken or cannot be proved; 2 on a usage error;
 * 78 on a bad configuration.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parsePublishedCheckpoint } from '../../domain/audit-checkpoint.js';
import type { AuditLog } from '../../domain/ports/audit-log.js';
import type { AuditCheckpoints, PublishedCheckpoint } from '../../domain/ports/audit-checkpoints.js';
import {
  makeAuditCheckpoint,
  published,
  verifyAuditTrail,
  type AuditProblem,
  type AuditTrailReport,
} from '../../domain/usecases/audit-trail.js';
import { ConfigError, loadConfig, type Config } from '../../infra/config.js';
import { openAuditKey, readAuditPublicKey } from '../../infra/keys/audit-key.js';
import { SqliteAuditCheckpoints } from '../../infra/store/embedded/audit-checkpoints.js';
import { SqliteAuditLog } from '../../infra/store/embedded/audit-log.js';
import { openEmbeddedDb } from '../../infra/store/embedded/db.js';
import { formatProof } from './proof.js';
import { caKeySecret } from '../composition/secrets.js';

const USAGE = [
  'usage: npm run audit -- verify [--checkpoint file.json] [--public-key pubkey.pem] [--json]',
  '       npm run audit -- prove <caseId> [--checkpoint file.json]',
  '       npm run audit -- checkpoint',
].join('\n');

type Outcome = { code: number; out: string; err: string };

interface AuditStore {
  audit: AuditLog;
  checkpoints: AuditCheckpoints;
  close(): Promise<void>;
}

/** The audit ports on the configured store; undefined when the embedded store has no file yet (and `create` is false). */
async function openStore(config: Config, create: boolean): Promise<AuditStore | undefined> {
  if (config.mongo) {
    const { connectMongo } = await import('../../infra/store/mongo/connection.js');
    const { MongoAuditLog } = await import('../../infra/store/mongo/audit-log.js');
    const { MongoAuditCheckpoints } = await import('../../infra/store/mongo/audit-checkpoints.js');
    const connection = await connectMongo(config.mongo);
    const checkpoints = new MongoAuditCheckpoints({ connection });
    if (create) await checkpoints.init();
    return { audit: new MongoAuditLog({ connection }), checkpoints, close: () => connection.close() };
  }
  const file = path.join(config.dataDir, 'gpki.db');
  if (!create && !existsSync(file)) return undefined;
  const db = openEmbeddedDb(file);
  return { audit: new SqliteAuditLog({ db }), checkpoints: new SqliteAuditCheckpoints({ db }), close: async () => void db.close() };
}

/** CA_KEY_SECRET, or the one this data folder keeps, without making one (readers create nothing). */
function knownSecret(config: Config): string | undefined {
  if (config.caKeySecret) return config.caKeySecret;
  const file = path.join(config.dataDir, '.ca-key-secret');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/** A checkpoint saved from GET /audit/checkpoints: one object, or the list (its first, newest, entry). */
function readCheckpointFile(file: string): PublishedCheckpoint | string {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return `cannot read ${file}: ${(e as Error).message}`;
  }
  const cp = parsePublishedCheckpoint(Array.isArray(json) ? json[0] : json);
  return cp ?? `${file} does not hold a checkpoint as published by GET /audit/checkpoints (time, treeSize, root, keyId, signature)`;
}

/** One problem in plain words. */
export function describeProblem(p: AuditProblem, cp?: PublishedCheckpoint): string {
  const of = cp ? `the checkpoint of ${cp.time}` : 'the checkpoint';
  switch (p.code) {
    case 'LINK_BROKEN':
      return `case ${p.caseId}: entry ${p.seq} is broken: its hash or its link to entry ${p.seq! - 1 || 'none (genesis)'} does not match, so it was changed, removed or inserted after it was written`;
    case 'HEAD_CHANGED':
      return `case ${p.caseId}: entry ${p.seq} differs from ${of} (hash then ${p.expected}, now ${p.actual}): the chain was rewritten at or before entry ${p.seq}`;
    case 'CHAIN_SHORTENED':
      return `case ${p.caseId}: entry ${p.seq}, its last entry in ${of}, is gone (the chain now has ${p.length} entries): entries were removed`;
    case 'CHECKPOINT_UNKNOWN':
      return `${of} is not in the store: it was removed from it, or the file comes from another store`;
    case 'CHECKPOINT_ALTERED':
      return `the store's copy of ${of} was altered: it differs from the published checkpoint, or its chain heads no longer hash to its root`;
    case 'SIGNATURE_INVALID':
      return `the signature of ${of} does not verify under the audit public key (the checkpoint names key id ${cp?.keyId}): this bot's audit key did not sign it`;
    case 'NO_PUBLIC_KEY':
      return `there is no audit public key to check ${of} with: pass --public-key with the key from GET /audit/public-key.pem`;
  }
}

export function formatReport(r: AuditTrailReport): string {
  const lines: string[] = [];
  const against = r.checkpoint
    ? `the checkpoint of ${r.checkpoint.time} (tree size ${r.checkpoint.treeSize}, root ${r.checkpoint.root})`
    : undefined;
  if (r.problems.length === 0) {
    lines.push(`Audit trail OK: ${r.cases} case(s), ${r.entries} entries, every link verified.`);
    lines.push(
      against
        ? `Checked against ${against}: its signature verifies and every case's head then is still in place.`
        : 'No checkpoint yet: only the links were checked.',
    );
  } else {
    lines.push(
      `Audit trail BROKEN: ${r.problems.length} problem(s) in ${r.cases} case(s), ${r.entries} entries${against ? `, checked against ${against}` : ''}:`,
    );
    for (const p of r.problems) lines.push(`  - ${describeProblem(p, r.checkpoint)}`);
  }
  return lines.join('\n');
}

/** Runs the command; `env` defaults to the process's environment, which only infra/config.ts reads. */
export async function auditCli(argv: string[], env?: Record<string, string | undefined>): Promise<Outcome> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { checkpoint: { type: 'string' }, 'public-key': { type: 'string' }, json: { type: 'boolean' } },
    });
  } catch (e) {
    return { code: 2, out: '', err: `${(e as Error).message}\n${USAGE}` };
  }
  const [command, ...rest] = args.positionals;
  const valid =
    (command === 'verify' && rest.length === 0) ||
    (command === 'prove' && rest.length === 1) ||
    (command === 'checkpoint' && rest.length === 0 && !args.values.checkpoint);
  if (!valid) return { code: 2, out: '', err: USAGE };
  let config: Config;
  try {
    config = env ? loadConfig(env) : loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) return { code: 78, out: '', err: e.message };
    throw e;
  }
  let given: PublishedCheckpoint | undefined;
  if (args.values.checkpoint) {
    const read = readCheckpointFile(args.values.checkpoint);
    if (typeof read === 'string') return { code: 2, out: '', err: read };
    given = read;
  }
  const store = await openStore(config, command === 'checkpoint');
  if (!store) {
    return command === 'verify'
      ? { code: 0, out: `No store at ${config.dataDir} yet: nothing to verify.`, err: '' }
      : { code: 1, out: '', err: `No store at ${config.dataDir}.` };
  }
  try {
    const keyDir = path.join(config.dataDir, 'audit');
    if (command === 'checkpoint') {
      const signer = await openAuditKey({ dir: keyDir, store: store.checkpoints, secret: caKeySecret(config) });
      const cp = await makeAuditCheckpoint({
        audit: store.audit,
        checkpoints: store.checkpoints,
        signer,
        clock: { now: () => new Date() },
      });
      return { code: 0, out: JSON.stringify(published(cp), null, 2), err: '' };
    }
    const publicKeyPem = args.values['public-key']
      ? readFileSync(args.values['public-key'], 'utf8')
      : await readAuditPublicKey({ dir: keyDir, store: store.checkpoints, secret: knownSecret(config) });
    if (command === 'verify') {
      const report = await verifyAuditTrail({ audit: store.audit, checkpoints: store.checkpoints }, { checkpoint: given, publicKeyPem });
      const code = report.problems.length === 0 ? 0 : 1;
      return { code, out: args.values.json ? JSON.stringify(report, null, 2) : formatReport(report), err: '' };
    }
    return await prove(store, rest[0]!, given, publicKeyPem);
  } finally {
    await store.close();
  }
}

async function prove(
  store: AuditStore,
  caseId: string,
  given: PublishedCheckpoint | undefined,
  publicKeyPem: string | undefined,
): Promise<Outcome> {
  const checkpoint = given ? await store.checkpoints.get(given.time) : await store.checkpoints.latest();
  if (!checkpoint)
    return {
      code: 1,
      out: '',
      err: given
        ? `The checkpoint of ${given.time} is not in the store.`
        : 'No checkpoint yet: make one with `npm run audit -- checkpoint`.',
    };
  if (given && (checkpoint.root !== given.root || checkpoint.signature !== given.signature)) {
    return {
      code: 1,
      out: '',
      err: `The store's copy of the checkpoint of ${given.time} differs from the given one: run \`npm run audit -- verify --checkpoint\`.`,
    };
  }
  if (!publicKeyPem)
    return { code: 1, out: '', err: 'No audit public key here: pass --public-key with the key from GET /audit/public-key.pem.' };
  const r = formatProof({ caseId, chain: await store.audit.list(caseId), checkpoint, publicKeyPem });
  return r.ok ? { code: 0, out: r.text, err: '' } : { code: 1, out: '', err: r.text };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  auditCli(process.argv.slice(2)).then(
    ({ code, out, err }) => {
      if (out) process.stdout.write(`${out}\n`);
      if (err) process.stderr.write(`${err}\n`);
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
