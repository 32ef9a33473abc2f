'use strict';
/* global require, __dirname, process, setTimeout */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: the launcher compiles a CommonJS bundle */
// `npm start` / `npm run worker`: runs the start bundle dist/start.cjs (written by `npm run build`,
// which `npm install` runs) as `node dist/bot/main.js` would run the per-file build, but compiled
// with V8's code cache from an earlier start: most of a start's CPU is compiling the ~1,800
// modules of the frameworks, and a cache hit skips it (bench/README.md, B6).
//
// The cache lives in dist/.cache/ (the build wipes dist/, so a new build never meets an old
// cache). Its name carries everything V8 checks besides the source: Node's version, the CPU
// architecture and Node's own options (V8's flags hash), plus the bundle's size and time. A cache V8
// rejects anyway is written again. With no cache, or one that was rejected, a new one is written
// from the running process once it has started (the functions compiled by then are what the next
// start needs): 15 s after loading, or at exit if that comes first (a start that is stopped right
// after /readyz, as the benchmark does). Writes go through a temporary file and a rename, so
// processes starting side by side never read half a cache. Where dist/.cache cannot be written
// (a read-only install), the bot simply starts without a cache.
// START_CACHE_DEBUG=1 reports on stderr what happened to the cache.
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const dist = path.join(__dirname, '..', 'dist');
const bundle = path.join(dist, 'start.cjs');
const WRITE_AFTER_MS = 15_000;
const debug = process.env.START_CACHE_DEBUG === '1' ? (msg) => process.stderr.write(`start cache: ${msg}\n`) : () => {};

let stat;
try {
  stat = fs.statSync(bundle);
} catch {
  process.stderr.write(`${path.relative(process.cwd(), bundle)} is missing: run \`npm run build\` (npm install does it)\n`);
  process.exit(1);
}
const key = createHash('sha256')
  .update(JSON.stringify([process.version, process.arch, process.execArgv, stat.size, stat.mtimeMs]))
  .digest('hex')
  .slice(0, 20);
const cacheDir = path.join(dist, '.cache');
const cacheFile = path.join(cacheDir, `start-${key}.bin`);

let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}

// The build makes the bundle ASCII only: latin1 reads it as it is, without decoding UTF-8.
const source = fs.readFileSync(bundle, 'latin1');
// The CommonJS wrapper, as Node's own loader adds it.
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: bundle,
  cachedData,
  importModuleDynamically: (specifier) => import(specifier),
});
const accepted = cachedData !== undefined && !script.cachedDataRejected;
debug(cachedData === undefined ? `none at ${cacheFile}` : accepted ? `accepted ${cacheFile}` : `rejected ${cacheFile}`);

let written = false;
function writeCache(when) {
  if (written) return;
  written = true;
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, cacheFile);
    debug(`wrote ${cacheFile} (${data.length} bytes, ${when})`);
  } catch (e) {
    debug(`not written (${e.message})`);
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing to clean up
    }
  }
}
if (!accepted) {
  setTimeout(() => writeCache('after start'), WRITE_AFTER_MS).unref();
  process.once('exit', () => writeCache('at exit'));
}

// The bundle's bot/main.ts starts the bot when it is the entry point, i.e. when process.argv[1] is
// its per-file twin dist/bot/main.js (its import.meta.url in the bundle); the other arguments
// (--worker) stay as they are.
process.argv[1] = path.join(dist, 'bot', 'main.js');
const bundleModule = { exports: {}, filename: bundle, id: '.', path: dist, loaded: false };
script.runInThisContext()(bundleModule.exports, createRequire(bundle), bundleModule, bundle, dist);
bundleModule.loaded = true;
