/**
 * `npm run ca -- list [--json] [--realm user|training|cfssl]`
 *
 * The operators' view of the CA ledger, from the same store the bot and workers use (it opens
 * only the store: no CA keys, no Redis): one row per key, with its certificate (serial, subject,
 * case, profile, validity, issue time) and its revocation (reason and time), and for cfssl the
 * intents with no recorded certificate. A readable table by default, one JSON array with --json.
 * Exits 0; 2 on a usage error; 78 on a bad configuration.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CA_REALMS, type CaLedger, type CaLedgerRow, type CaRealm } from '../../domain/ports/ca-ledger.js';
import { ConfigError, loadConfig, type Config } from '../../infra/config.js';
import { openEmbeddedDb } from '../../infra/store/embedded/db.js';
import { SqliteCaLedger } from '../../infra/store/embedded/ca-ledger.js';

const USAGE = 'usage: npm run ca -- list [--json] [--realm user|training|cfssl]';

/** The ledger on the configured store, read-only in spirit: nothing is created for a listing. */
async function openLedger(config: Config): Promise<{ ledger?: CaLedger; close(): Promise<void> }> {
  if (config.mongo) {
    const { connectMongo } = await import('../../infra/store/mongo/connection.js');
    const { MongoCaLedger } = await import('../../infra/store/mongo/ca-ledger.js');
    const connection = await connectMongo(config.mongo);
    return { ledger: new MongoCaLedger({ connection }), close: () => connection.close() };
  }
  const file = path.join(config.dataDir, 'gpki.db');
  if (!existsSync(file)) return { close: async () => undefined };
  const db = openEmbeddedDb(file);
  return { ledger: new SqliteCaLedger({ db }), close: async () => void db.close() };
}

const second = (iso?: string): string => (iso ? iso.replace(/\.\d{3}Z$/, 'Z') : '-');

/** What an operator must know about a row beyond its columns. */
function note(r: CaLedgerRow): string {
  if (r.status === 'intent') return `cfssl asked ${r.attempts}x, no certificate recorded: check cfssl's database`;
  if (r.attempts > 1) return `cfssl asked ${r.attempts}x: earlier asks may have signed unrecorded certificates`;
  return '';
}

export function formatTable(rows: CaLedgerRow[]): string {
  const header = [
    'REALM',
    'SERIAL',
    'SUBJECT',
    'CASE',
    'PROFILE',
    'NOT BEFORE',
    'NOT AFTER',
    'ISSUED',
    'STATUS',
    'REASON',
    'REVOKED',
    'NOTE',
  ];
  const cells = rows.map((r) => [
    r.realm,
    r.serial ?? '-',
    r.subjectCn,
    r.caseId ?? '-',
    r.profile,
    second(r.notBefore),
    second(r.notAfter),
    second(r.issuedAt ?? r.intentAt),
    r.status,
    r.revocation?.reason ?? '-',
    second(r.revocation?.at),
    note(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => x.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const intents = rows.filter((r) => r.status === 'intent').length;
  return [
    line(header),
    ...cells.map(line),
    '',
    `${rows.length} key(s): ${rows.filter((r) => r.status === 'issued').length} valid or expired, ${rows.filter((r) => r.status === 'revoked').length} revoked, ${intents} intent(s) without a certificate`,
  ].join('\n');
}

/** Runs the command; `env` defaults to the process's environment, which only infra/config.ts reads. */
export async function caCli(argv: string[], env?: Record<string, string | undefined>): Promise<{ code: number; out: string; err: string }> {
  let args;
  try {
    args = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, realm: { type: 'string' } } });
  } catch (e) {
    return { code: 2, out: '', err: `${(e as Error).message}\n${USAGE}` };
  }
  const realm = args.values.realm as CaRealm | undefined;
  if (args.positionals[0] !== 'list' || args.positionals.length > 1 || (realm !== undefined && !CA_REALMS.includes(realm))) {
    return { code: 2, out: '', err: USAGE };
  }
  let config: Config;
  try {
    config = env ? loadConfig(env) : loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) return { code: 78, out: '', err: e.message };
    throw e;
  }
  const { ledger, close } = await openLedger(config);
  try {
    const rows = ledger ? await ledger.list({ realm }) : [];
    return { code: 0, out: args.values.json ? JSON.stringify(rows, null, 2) : formatTable(rows), err: '' };
  } finally {
    await close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  caCli(process.argv.slice(2)).then(
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
