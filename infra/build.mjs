// `npm run build` (and `npm install`, through `prepare`): the TypeScript of the bot, transpiled file by
// file into dist/ so `npm start` runs plain JavaScript (no transpiling at every start). Types are
// checked by `npm run typecheck`, not here: a build needs nothing from devDependencies.
import { build } from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const FOLDERS = ['bot', 'ui', 'dialogs', 'domain', 'jobs', 'infra'];

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [file] : [];
  });
}

const entryPoints = FOLDERS.flatMap((f) => sources(path.join(root, f)));
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
await build({
  entryPoints, outdir: path.join(root, 'dist'), outbase: root, format: 'esm', platform: 'node', target: 'node20',
  bundle: false, sourcemap: false, logLevel: 'warning',
});
process.stdout.write(`built ${entryPoints.length} files into dist/\n`);
