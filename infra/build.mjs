// `npm run build` (and `npm install`, through `prepare`): the TypeScript of the bot, transpiled file by
// file into dist/ (what tests and `node dist/bot/main.js` run), and the start bundle dist/start.cjs
// that `npm start` / `npm run worker` load through infra/start.cjs. Types are checked by
// `npm run typecheck`, not here: a build needs nothing from devDependencies.
/* global process */
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, 'dist');
const FOLDERS = ['bot', 'dialogs', 'domain', 'jobs', 'infra', 'ui'].filter((f) => existsSync(path.join(root, f)));

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [file] : [];
  });
}

const entryPoints = FOLDERS.flatMap((f) => sources(path.join(root, f)));
rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints, outdir: dist, outbase: root, format: 'esm', platform: 'node', target: 'node20',
  bundle: false, sourcemap: false, logLevel: 'warning',
});
process.stdout.write(`built ${entryPoints.length} files into dist/\n`);

// ---------------------------------------------------------------------------------------------------
// The start bundle: bot/main.ts with the packages it imports, as ONE CommonJS file. Loading ~1,800
// modules one by one is most of a start's CPU; one script that infra/start.cjs compiles with V8's
// code cache (saved by an earlier start) skips nearly all of it (bench/README.md, B6).
//
// Packages stay OUTSIDE the bundle (loaded from node_modules at run time) when they cannot work from
// another file's place, or are only loaded in the scaled-out mode anyway:
const EXTERNAL = [
  'better-sqlite3', // native addon (.node file found beside the package)
  'dtrace-provider', // native addon, optional (restify's bunyan)
  'msgpackr-extract', // native addon, optional (bullmq's msgpackr)
  'bullmq', // reads its Lua scripts from its own folder; scaled-out mode only
  'ioredis', // scaled-out mode only (BullMQ, locks, events share it)
  'mongoose', // scaled-out mode only; its driver requires optional packages dynamically
  'mongodb',
  '@bull-board/*', // the queue dashboard serves its UI's static files from its own folder
  'pino', // resolves transports and worker threads by file path
];
// Also outside, without being listed: what our code loads through createRequire at run time
// (natural for the NLU and FAQ, botframework-webchat's dist/webchat.js served by file path).
//
// ESM-only features: `import.meta.url` (and .dirname/.filename) have no CommonJS equivalent, so each
// file's own is written in as the URL of the file it stands for: for our sources, their per-file
// copy in dist/ (what `node dist/bot/main.js` would see, so APP_ROOT, the stale-build check and
// "am I the entry point" checks behave the same); for packages, their file in node_modules. Paths are
// kept relative to the bundle, so the project folder can move after the build. Any other use of
// import.meta (and top-level await) fails the build rather than the start.
//
// Packages that a framework requires when it loads but only uses inside functions that embedded
// mode never calls (teams-ai's AI planners and tokenizers, the Azure managed identity): in the files
// named here, `require(x)` (and TypeScript's `__importStar(require(x))`) gives a stand-in that loads
// x on first use. Nothing changes but when x is evaluated: gpt-tokenizer alone builds its token
// tables at load, ~10% of a start's CPU.
const LAZY = {
  '@microsoft/teams-ai/lib/tokenizers/GPTTokenizer.js': ['gpt-tokenizer'],
  '@microsoft/teams-ai/lib/tokenizers/GPT3Tokenizer.js': ['gpt-tokenizer/cjs/model/text-davinci-003'],
  '@microsoft/teams-ai/lib/models/OpenAIModel.js': ['openai'],
  '@microsoft/teams-ai/lib/planners/AssistantsPlanner.js': ['openai'],
  'botframework-connector/lib/auth/jwtTokenProviderFactory.js': ['@azure/identity'],
  // The dialog prompts' text recognizers build thousands of regular expressions at load (~0.15 s of
  // a start's CPU); the prompts call them only when they recognize a reply.
  'botbuilder-dialogs/lib/prompts/datetimePrompt.js': ['@microsoft/recognizers-text-date-time'],
  'botbuilder-dialogs/lib/prompts/confirmPrompt.js': ['@microsoft/recognizers-text-choice'],
  'botbuilder-dialogs/lib/prompts/numberPrompt.js': ['@microsoft/recognizers-text-number'],
  'botbuilder-dialogs/lib/choices/recognizeChoices.js': ['@microsoft/recognizers-text-number'],
  // axios (and, through its fetch adapter, Node's undici) only sends skill and Teams requests.
  'botframework-connector/lib/auth/botFrameworkClientImpl.js': ['axios'],
  'botbuilder/lib/botFrameworkHttpClient.js': ['axios'],
  '@microsoft/teams-ai/lib/TeamsAttachmentDownloader.js': ['axios'],
  '@microsoft/teams-ai/lib/internals/OpenAIClient.js': ['axios'],
  '@microsoft/teams-ai/lib/models/LlamaModel.js': ['axios'],
  '@microsoft/teams-ai/lib/embeddings/OpenAIEmbeddings.js': ['axios'],
  // Used only by botbuilder's FileTranscriptStore and SetSpeakMiddleware, which the bot does not use.
  'botbuilder/lib/fileTranscriptStore.js': ['fs-extra'],
  'botbuilder/lib/setSpeakMiddleware.js': ['htmlparser2'],
  // restify serves SPDY (and, through it, loads node:http2) only when created with its spdy option.
  'restify/lib/server.js': ['spdy'],
};
// Files that need only a small part of a package at load: `require(x)` becomes `require(y)`, where y
// gives the same values for what the file uses (checked by the build below). promptCultureModels reads
// `Culture`'s language codes at load; the suite re-exports them from the number recognizer, whose
// load builds its regular expressions, and the base package has the same codes.
const SUBSTITUTE = {
  'botbuilder-dialogs/lib/prompts/promptCultureModels.js': { from: '@microsoft/recognizers-text-suite', to: '@microsoft/recognizers-text', uses: 'Culture' },
};
const LAZY_HELPER =
  'var __lazyModule = (load) => { let m; const real = () => (m ??= load()); return new Proxy({}, {' +
  ' get: (_, k) => real()[k], has: (_, k) => k in real(), ownKeys: () => Reflect.ownKeys(real()),' +
  ' getOwnPropertyDescriptor: (_, k) => { const d = Reflect.getOwnPropertyDescriptor(real(), k); return d && { ...d, configurable: true }; } }); };\n';
function substitute(file, rel, text) {
  const sub = SUBSTITUTE[rel];
  if (!sub) return text;
  const req = `require(${JSON.stringify(sub.from)})`;
  const name = text.match(new RegExp(`const (\\w+) = ${req.replace(/[()."]/g, '\\$&')};`))?.[1];
  const uses = name && [...text.matchAll(new RegExp(`\\b${name}\\b(\\.\\w+)?`, 'g'))].slice(1);
  if (!uses?.length || uses.some((m) => m[1] !== `.${sub.uses}`)) throw new Error(`build: ${rel} no longer uses only ${sub.uses} of ${sub.from}: update SUBSTITUTE in infra/build.mjs`);
  const load = createRequire(file);
  const [a, b] = [load(sub.from)[sub.uses], load(sub.to)[sub.uses]];
  const keys = [...new Set(text.match(new RegExp(`(?<=\\b${name}\\.${sub.uses}\\.)\\w+`, 'g')))];
  if (keys.some((k) => a[k] === undefined || a[k] !== b[k])) throw new Error(`build: ${sub.to} no longer has ${sub.from}'s ${sub.uses}: update SUBSTITUTE in infra/build.mjs`);
  return text.replace(req, `require(${JSON.stringify(sub.to)})`);
}
function lazyRequires(file, original) {
  const rel = file.split(path.sep).join('/').split('/node_modules/').pop();
  const text = substitute(file, rel, original);
  const ids = LAZY[rel];
  if (!ids) return text;
  let out = text;
  for (const id of ids) {
    const req = [`require(${JSON.stringify(id)})`, `require('${id}')`].find((r) => out.includes(r)) ?? `require(${JSON.stringify(id)})`;
    const before = out;
    for (const helper of ['__importStar', '__importDefault']) out = out.split(`${helper}(${req})`).join(`__lazyModule(() => ${helper}(${req}))`);
    if (out === before) out = out.split(req).join(`__lazyModule(() => ${req})`);
    if (out === before) throw new Error(`build: ${rel} no longer requires ${id}: update LAZY in infra/build.mjs`);
  }
  return LAZY_HELPER + out;
}

const bundleFile = path.join(dist, 'start.cjs');
const rewrites = {
  name: 'per-file-rewrites',
  setup(b) {
    b.onLoad({ filter: /\.(ts|mts|js|mjs|cjs)$/ }, (args) => {
      const original = readFileSync(args.path, 'utf8');
      const text = lazyRequires(args.path, original);
      if (!text.includes('import.meta')) return text === original ? undefined : { contents: text, loader: 'js', resolveDir: path.dirname(args.path) };
      const inProject = !args.path.includes(`${path.sep}node_modules${path.sep}`) && args.path.startsWith(root + path.sep);
      const standsFor = inProject ? path.join(dist, path.relative(root, args.path)).replace(/\.[mc]?ts$/, '.js') : args.path;
      const rel = JSON.stringify(path.relative(dist, standsFor).split(path.sep).join('/'));
      const esm = /\.m?ts$|\.mjs$/.test(args.path) || /^\s*(import|export)\b/m.test(text);
      const contents = (esm ? 'import { __bundledFile } from "bundled-file-helper";\n' : '') + text
        .replace(/\bimport\.meta\.url\b/g, `__bundledFile.url(${rel})`)
        .replace(/\bimport\.meta\.filename\b/g, `__bundledFile.path(${rel})`)
        .replace(/\bimport\.meta\.dirname\b/g, `__bundledFile.dir(${rel})`);
      const ext = path.extname(args.path).slice(1);
      return { contents, loader: ext === 'ts' || ext === 'mts' ? 'ts' : 'js', resolveDir: path.dirname(args.path) };
    });
    // The helper those calls use: one module of the bundle, where `require` and `__dirname` are the
    // bundle's own (infra/start.cjs passes dist/ as __dirname), whatever a file declares itself.
    b.onResolve({ filter: /^bundled-file-helper$/ }, () => ({ path: 'bundled-file-helper', namespace: 'bundled-file' }));
    b.onLoad({ filter: /.*/, namespace: 'bundled-file' }, () => ({
      loader: 'js',
      contents: [
        'const nodePath = require("node:path");',
        'const nodeUrl = require("node:url");',
        'const bundleDir = __dirname;',
        'const filePath = (rel) => nodePath.join(bundleDir, rel);',
        'export const __bundledFile = { path: filePath, dir: (rel) => nodePath.dirname(filePath(rel)), url: (rel) => nodeUrl.pathToFileURL(filePath(rel)).href };',
      ].join('\n'),
    }));
  },
};
await build({
  entryPoints: [path.join(root, 'bot', 'main.ts')], outfile: bundleFile, format: 'cjs', platform: 'node', target: 'node20',
  bundle: true, external: EXTERNAL, plugins: [rewrites], sourcemap: false, legalComments: 'none', logLevel: 'warning',
  // Smaller to read and to hash; identifiers are kept (names show in stack traces and logs).
  minifyWhitespace: true, minifySyntax: true,
  // ASCII only (other characters escaped), so the launcher reads it as a one-byte string: no UTF-8 decoding of 11 MB.
  charset: 'ascii',
  logOverride: { 'empty-import-meta': 'error' },
});
// esbuild leaves a few characters of regular expression literals as they are; \u escapes mean the
// same there (and in strings, templates and names), so the file becomes ASCII only.
const bundled = readFileSync(bundleFile, 'utf8');
writeFileSync(bundleFile, bundled.replace(/[^\x00-\x7f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`));
if (readFileSync(bundleFile).some((byte) => byte > 0x7f)) throw new Error(`${bundleFile} is not ASCII: infra/start.cjs reads it as latin1`);
process.stdout.write(`built ${path.relative(root, bundleFile)} (${(statSync(bundleFile).size / 2 ** 20).toFixed(1)} MB)\n`);
