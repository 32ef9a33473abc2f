import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's folder (the one holding package.json), whether the code runs from its TypeScript
 * source (tests, `npm run dev`) or from the compiled copy in `dist/` (`npm start`): data files
 * (web pages, seeds, the calendar, the NLU data) are read from here, never beside the module.
 */
export const APP_ROOT = ((): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'web'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('project folder not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
})();

/** A path inside the project folder. */
export const appPath = (...parts: string[]): string => path.join(APP_ROOT, ...parts);

const SOURCE_FOLDERS = ['bot', 'dialogs', 'domain', 'jobs', 'infra'];

/**
 * When `entry` runs from dist/ and a source file is newer than it: what to tell the operator
 * (`npm run build` was not run after a change). Undefined when running from source or up to date.
 */
export function staleBuild(entry: string): string | undefined {
  if (!entry.startsWith(path.join(APP_ROOT, 'dist') + path.sep)) return undefined;
  const built = statSync(entry).mtimeMs;
  const newer = (dir: string): string | undefined => {
    if (!existsSync(dir)) return undefined;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, e.name);
      const hit = e.isDirectory() ? newer(file) : e.name.endsWith('.ts') && statSync(file).mtimeMs > built ? file : undefined;
      if (hit) return hit;
    }
    return undefined;
  };
  for (const f of SOURCE_FOLDERS) {
    const hit = newer(path.join(APP_ROOT, f));
    if (hit)
      return `${path.relative(APP_ROOT, hit)} is newer than the compiled bot in dist/: run \`npm run build\` (npm install does it) to start the current code`;
  }
  return undefined;
}
