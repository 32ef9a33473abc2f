/**
 * Embedded CA fixtures: the 3072-bit CA keys take seconds to generate, so one CA directory is
 * created per test process and every fixture works on its own copy of it.
 */
import { rmSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EmbeddedCertificateAuthority, type EmbeddedCaOptions,
} from '../../infra/ca/embedded-ca.js';

export interface LogLine {
  msg?: string;
  obj: object;
}

interface Template {
  base: string;
  dir: string;
  /** What the CA logged while creating itself (two concurrent ready() calls). */
  creationLog: LogLine[];
}

let template: Promise<Template> | undefined;
let copies = 0;

export function caTemplate(): Promise<Template> {
  template ??= (async () => {
    const base = await mkdtemp(join(tmpdir(), 'gpki-ca-test-'));
    const dir = join(base, 'template');
    const creationLog: LogLine[] = [];
    const ca = new EmbeddedCertificateAuthority({
      dir,
      logger: { info: (obj, msg) => creationLog.push({ obj, msg }) },
    });
    await Promise.all([ca.ready(), ca.ready()]);
    await ca.close();
    // Exit handlers must be synchronous.
    process.once('exit', () => rmSync(base, { recursive: true, force: true }));
    return { base, dir, creationLog };
  })();
  return template;
}

/** A new directory holding a copy of the template CA (no certificates issued yet). */
export async function freshCaDir(): Promise<string> {
  const t = await caTemplate();
  const dir = join(t.base, `ca-${++copies}`);
  await cp(t.dir, dir, { recursive: true });
  return dir;
}

export async function freshCa(
  options: Omit<EmbeddedCaOptions, 'dir'> = {},
): Promise<{ ca: EmbeddedCertificateAuthority; dir: string }> {
  const dir = await freshCaDir();
  return { ca: new EmbeddedCertificateAuthority({ dir, ...options }), dir };
}

export const removeDir = (dir: string): Promise<void> => rm(dir, { recursive: true, force: true });
