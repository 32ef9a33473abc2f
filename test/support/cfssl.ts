/**
 * A real `cfssl serve` (Debian golang-cfssl) on a free loopback port with a throwaway two-level CA
 * made by cfssl itself in a temp folder, and its certificate database in SQLite (revocation needs
 * it). cfssl 1.2 has no CRL endpoint backed by that database (`/api/v1/cfssl/gencrl` wants the CA
 * private key in the request), so a small publisher beside it serves the CRL the way an operator
 * publishes one: built by `openssl ca -gencrl` from cfssl's own database, with reasons.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';

const run = promisify(execFile);

export const cfsslInstalled = (): boolean => spawnSync('cfssl', ['version']).status === 0;

export interface CfsslCa {
  /** Base URL of `cfssl serve`. */
  url: string;
  /** URL of the CRL publisher (DER). */
  crlUrl: string;
  /** PEM files of the throwaway root and issuing CA. */
  rootPemFile: string;
  issuingPemFile: string;
  /** Hex key of the authsign endpoint. */
  authKey: string;
  dir: string;
  /** Stops cfssl serve (the CA becomes unreachable); `start` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const SIGNING_CONFIG = (authKey: string) => ({
  signing: {
    default: { expiry: '8760h', usages: ['digital signature', 'key encipherment', 'server auth'] },
    profiles: {
      intermediate: {
        expiry: '43800h',
        usages: ['cert sign', 'crl sign'],
        ca_constraint: { is_ca: true, max_path_len: 0, max_path_len_zero: true },
      },
      server: { expiry: '4800h', usages: ['digital signature', 'key encipherment', 'server auth'], auth_key: 'bot' },
      user: {
        expiry: '26280h',
        usages: ['digital signature', 'content commitment', 'key encipherment', 'client auth', 'email protection'],
        auth_key: 'bot',
      },
      training: { expiry: '2160h', usages: ['digital signature', 'key encipherment', 'client auth', 'email protection'], auth_key: 'bot' },
    },
  },
  auth_keys: { bot: { type: 'standard', key: authKey } },
});

const CERTDB_SCHEMA = `
CREATE TABLE certificates (serial_number blob NOT NULL, authority_key_identifier blob NOT NULL, ca_label blob, status blob NOT NULL, reason int, expiry timestamp, revoked_at timestamp, pem blob NOT NULL, PRIMARY KEY(serial_number, authority_key_identifier));
CREATE TABLE ocsp_responses (serial_number blob NOT NULL, authority_key_identifier blob NOT NULL, body blob NOT NULL, expiry timestamp, PRIMARY KEY(serial_number, authority_key_identifier), FOREIGN KEY(serial_number, authority_key_identifier) REFERENCES certificates(serial_number, authority_key_identifier));
`;

const REASON_NAMES = [
  'unspecified',
  'keyCompromise',
  'CACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'unspecified',
  'removeFromCRL',
  'privilegeWithdrawn',
  'AACompromise',
];

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

async function cfsslJson(dir: string, args: string[], bare: string): Promise<void> {
  const { stdout } = await run('cfssl', args, { cwd: dir });
  await new Promise<void>((resolve, reject) => {
    const p = spawn('cfssljson', ['-bare', bare], { cwd: dir });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`cfssljson exited ${code}`))));
    p.stdin.end(stdout);
  });
}

/** Makes the throwaway CA and starts `cfssl serve` plus the CRL publisher. */
export async function startCfssl(): Promise<CfsslCa> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-cfssl-'));
  const authKey = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(SIGNING_CONFIG(authKey)));
  writeFileSync(
    path.join(dir, 'root.json'),
    JSON.stringify({
      CN: 'GPKI Test Root (throwaway)',
      key: { algo: 'rsa', size: 2048 },
      names: [{ O: 'GPKI Test', C: 'MY' }],
      ca: { expiry: '87600h' },
    }),
  );
  writeFileSync(
    path.join(dir, 'issuing.json'),
    JSON.stringify({ CN: 'GPKI Test Issuing CA (throwaway)', key: { algo: 'rsa', size: 2048 }, names: [{ O: 'GPKI Test', C: 'MY' }] }),
  );
  await cfsslJson(dir, ['gencert', '-initca', 'root.json'], 'root');
  await cfsslJson(dir, ['genkey', 'issuing.json'], 'issuing');
  await cfsslJson(
    dir,
    ['sign', '-ca', 'root.pem', '-ca-key', 'root-key.pem', '-config', 'config.json', '-profile', 'intermediate', 'issuing.csr'],
    'issuing',
  );
  const dbFile = path.join(dir, 'certs.db');
  const db = new Database(dbFile);
  db.exec(CERTDB_SCHEMA);
  db.close();
  writeFileSync(path.join(dir, 'db.json'), JSON.stringify({ driver: 'sqlite3', data_source: dbFile }));

  const port = await freePort();
  let serve: ChildProcess | undefined;
  const url = `http://127.0.0.1:${port}`;
  const start = async (): Promise<void> => {
    serve = spawn(
      'cfssl',
      [
        'serve',
        '-address',
        '127.0.0.1',
        '-port',
        String(port),
        '-ca',
        'issuing.pem',
        '-ca-key',
        'issuing-key.pem',
        '-config',
        'config.json',
        '-db-config',
        'db.json',
        '-loglevel',
        '3',
      ],
      { cwd: dir, stdio: 'ignore' },
    );
    for (let i = 0; i < 200; i++) {
      const up = await fetch(`${url}/api/v1/cfssl/info`, { method: 'POST', body: '{}' }).then(
        (r) => r.ok,
        () => false,
      );
      if (up) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('cfssl serve did not start');
  };
  const stop = async (): Promise<void> => {
    const p = serve;
    serve = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise((resolve) => {
      p.once('exit', resolve);
      p.kill('SIGTERM');
    });
  };
  await start();

  const publisher = await startCrlPublisher(dir, dbFile);
  return {
    url,
    crlUrl: publisher.url,
    rootPemFile: path.join(dir, 'root.pem'),
    issuingPemFile: path.join(dir, 'issuing.pem'),
    authKey,
    dir,
    stop,
    start,
    close: async () => {
      await stop();
      await new Promise((resolve) => publisher.server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const asn1Time = (d: Date): string => d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';

/** Serves GET /crl: a CRL signed by the issuing CA listing every revoked row of cfssl's database. */
async function startCrlPublisher(dir: string, dbFile: string): Promise<{ url: string; server: Server }> {
  writeFileSync(path.join(dir, 'crlnumber'), '01\n');
  writeFileSync(
    path.join(dir, 'openssl-ca.cnf'),
    [
      '[ ca ]',
      'default_ca = cfssl',
      '[ cfssl ]',
      `dir = ${dir}`,
      'database = $dir/index.txt',
      'crlnumber = $dir/crlnumber',
      'certificate = $dir/issuing.pem',
      'private_key = $dir/issuing-key.pem',
      'default_md = sha256',
      'default_crl_days = 7',
      'crl_extensions = crl_ext',
      '[ crl_ext ]',
      'authorityKeyIdentifier = keyid:always',
      '',
    ].join('\n'),
  );
  const server = createServer((req, res) => {
    void (async () => {
      try {
        // cfssl may be writing a revocation: wait for its lock rather than fail.
        const db = new Database(dbFile, { readonly: true, timeout: 10_000 });
        const rows = db.prepare("SELECT serial_number, reason, expiry, revoked_at FROM certificates WHERE status = 'revoked'").all() as {
          serial_number: string;
          reason: number;
          expiry: string;
          revoked_at: string;
        }[];
        db.close();
        const lines = rows.map((r) => {
          const serial = BigInt(String(r.serial_number)).toString(16).toUpperCase();
          const revoked = asn1Time(
            new Date(
              `${String(r.revoked_at)
                .replace(' ', 'T')
                .replace(/(Z|[+-]\d\d:\d\d)?$/, '')}Z`,
            ),
          );
          const expiry = asn1Time(new Date(Date.now() + 365 * 86_400_000));
          return `R\t${expiry}\t${revoked},${REASON_NAMES[r.reason] ?? 'unspecified'}\t${serial.length % 2 ? `0${serial}` : serial}\tunknown\t/CN=revoked`;
        });
        writeFileSync(path.join(dir, 'index.txt'), lines.length ? `${lines.join('\n')}\n` : '');
        const out = path.join(dir, 'crl.der.pem');
        await run('openssl', ['ca', '-gencrl', '-config', path.join(dir, 'openssl-ca.cnf'), '-out', out], { cwd: dir });
        const { stdout } = await run('openssl', ['crl', '-in', out, '-outform', 'DER'], { encoding: 'buffer' });
        // Not chained: restify (loaded by the bot in the same test process) replaces writeHead with
        // one that does not return the response.
        res.statusCode = 200;
        res.setHeader('content-type', 'application/pkix-crl');
        res.end(stdout);
      } catch (e) {
        res.statusCode = 500;
        res.end(String(e));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/crl`, server };
}

export function readPem(file: string): string {
  return readFileSync(file, 'utf8');
}
