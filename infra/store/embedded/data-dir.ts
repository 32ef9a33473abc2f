/**
 * Owner-only modes for everything the bot keeps under DATA_DIR (DOMAIN.md 7.15): folders 0700,
 * files 0600, so only the bot's OS user can read the database, uploaded MyKad copies, CA keys and
 * kept secrets. The modes are set explicitly, never left to the process umask.
 */
import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) 0700, and makes it 0700 if it already existed. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Creates `file` empty with mode 0600 if missing, and makes it 0600 if it existed. Done before
 * SQLite opens a database: SQLite creates a new database file 0644, and gives its -wal and -shm
 * files the database file's mode, so all three stay 0600.
 */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
}

export interface Tightened {
  /** Folders and files whose mode was changed. */
  changed: number;
  /** Entries whose mode could not be changed (another owner, say). */
  failed: number;
}

/**
 * Walks `dir` (created 0700 if missing) and sets every folder to 0700 and every file to 0600, for
 * what an older version left readable to others. Symbolic links are neither followed nor changed;
 * entries that vanish during the walk (temporary files) are skipped.
 */
export function tightenDataDir(dir: string): Tightened {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const result: Tightened = { changed: 0, failed: 0 };
  const visit = (path: string): void => {
    let isDir: boolean;
    try {
      const st = lstatSync(path);
      if (st.isSymbolicLink() || !(st.isDirectory() || st.isFile())) return;
      isDir = st.isDirectory();
      const want = isDir ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
      if ((st.mode & 0o777) !== want) {
        chmodSync(path, want);
        result.changed++;
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') result.failed++;
      return;
    }
    if (!isDir) return;
    let names: string[];
    try {
      names = readdirSync(path);
    } catch {
      result.failed++;
      return;
    }
    for (const name of names) visit(join(path, name));
  };
  visit(dir);
  return result;
}
