import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import JSZip from 'jszip';
import { loadConfig, type Config } from '../infra/config.js';
import { checkIcons, validateLocalization, validateManifest, type Json, type ValidationIssue } from './validate.js';

export { validateManifest, validateLocalization, checkIcons, type ValidationIssue } from './validate.js';

/**
 * `npm run manifest`: fills manifest.template.json, validates the app package offline and writes
 * manifest/build/mygpki-helpdesk-<version>.zip. Settings come from flags, else from the bot's own
 * configuration (infra/config.ts): the manifest must name the same bot the server authenticates as.
 */

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
export const PACKAGE_BASENAME = 'mygpki-helpdesk';

/** Placeholder publisher details; real ones come from flags. Teams requires all four, URLs in https. */
export const DEFAULT_DEVELOPER = {
  name: 'MAMPU / MyGPKI',
  websiteUrl: 'https://www.mampu.gov.my',
  privacyUrl: 'https://www.mampu.gov.my',
  termsOfUseUrl: 'https://www.mampu.gov.my',
};

/**
 * Fixed namespace for app ids: the Teams app id must stay the same across builds (Teams treats a
 * new id as a different app), and deriving it from the bot id gives each bot registration its own.
 */
const APP_ID_NAMESPACE = '6f1c2d8e-4b7a-4e0f-9a53-2c1d7e8b9f40';

export class ManifestSettingError extends Error {
  override readonly name = 'ManifestSettingError';
}

export class ManifestValidationError extends Error {
  override readonly name = 'ManifestValidationError';
  constructor(readonly issues: ValidationIssue[]) {
    super(`The app package is invalid:\n${formatIssues(issues)}`);
  }
}

export interface BuildOptions {
  /** The bot's Microsoft App ID (MicrosoftAppId). Required. */
  botId?: string;
  /** Teams app id; default: a UUID derived from botId. */
  appId?: string;
  /** Where users reach the bot (PUBLIC_URL); its host becomes the valid domain. */
  publicUrl?: string;
  /** App version; default: package.json's. */
  version?: string;
  developer?: Partial<typeof DEFAULT_DEVELOPER>;
  /** Folder with manifest.template.json, en.json and the icons; default: this folder. */
  sourceDir?: string;
}

export interface AppPackage {
  manifest: Json;
  /** Localization files by name (en.json). */
  localizations: Record<string, Json>;
  /** Icons by the names the manifest uses. */
  icons: Record<string, Buffer>;
}

/** RFC 4122 version-5 UUID (SHA-1 of namespace + name): stable for the same input. */
export function uuidV5(name: string, namespace = APP_ID_NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Json;

/**
 * Replaces {{TOKEN}}s in every string of the template. Working on parsed JSON (not text) means a
 * value can never break the JSON; an array item that is just an unset token is dropped, which is how
 * validDomains stays empty without a public URL.
 */
function fill(node: unknown, values: Record<string, string | undefined>): unknown {
  if (typeof node === 'string') {
    return node.replace(/\{\{([A-Z_]+)\}\}/g, (whole, key: string) => {
      if (!(key in values)) throw new Error(`manifest template: unknown placeholder ${whole}`);
      return values[key] ?? '';
    });
  }
  if (Array.isArray(node)) {
    return node
      .filter((item) => !(typeof item === 'string' && /^\{\{([A-Z_]+)\}\}$/.test(item) && values[item.slice(2, -2)] === undefined))
      .map((item) => fill(item, values));
  }
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v, values)]));
  return node;
}

/** Fills the template and gathers the package's files. Validation is separate (validateApp). */
export function buildManifest(opts: BuildOptions): AppPackage {
  const botId = opts.botId?.trim();
  if (!botId) {
    throw new ManifestSettingError(
      "No bot id: set MicrosoftAppId (the bot's Microsoft App ID, as for the server) or pass --bot-id <guid>.",
    );
  }
  let domain: string | undefined;
  if (opts.publicUrl) {
    try {
      domain = new URL(opts.publicUrl).hostname;
    } catch {
      throw new ManifestSettingError(
        `The public URL ${JSON.stringify(opts.publicUrl)} is not an absolute URL (PUBLIC_URL or --public-url).`,
      );
    }
  }
  const dir = opts.sourceDir ?? HERE;
  const version = opts.version ?? String(readJson(path.join(ROOT, 'package.json')).version);
  // Unset entries (a flag not given) keep the default rather than blanking it.
  const given = Object.entries(opts.developer ?? {}).filter(([, v]) => v !== undefined && v !== '');
  const developer = { ...DEFAULT_DEVELOPER, ...Object.fromEntries(given) };
  const manifest = fill(readJson(path.join(dir, 'manifest.template.json')), {
    APP_ID: opts.appId ?? uuidV5(`teams-app:${botId.toLowerCase()}`),
    BOT_ID: botId,
    VERSION: version,
    BOT_DOMAIN: domain,
    DEVELOPER_NAME: developer.name,
    WEBSITE_URL: developer.websiteUrl,
    PRIVACY_URL: developer.privacyUrl,
    TERMS_URL: developer.termsOfUseUrl,
  }) as Json;
  const info = (manifest.localizationInfo ?? {}) as { additionalLanguages?: { file: string }[] };
  const localizations = Object.fromEntries((info.additionalLanguages ?? []).map(({ file }) => [file, readJson(path.join(dir, file))]));
  const iconNames = Object.values((manifest.icons ?? {}) as Record<string, string>);
  const icons = Object.fromEntries(iconNames.map((name) => [name, readFileSync(path.join(dir, name))]));
  return { manifest, localizations, icons };
}

/** Everything Teams would check that we can check offline: schemas, localization, icons. */
export async function validateApp(app: AppPackage): Promise<ValidationIssue[]> {
  const issues = await validateManifest(app.manifest);
  for (const [file, loc] of Object.entries(app.localizations)) issues.push(...(await validateLocalization(file, loc, app.manifest)));
  issues.push(...checkIcons(app.manifest, app.icons));
  return issues;
}

export function formatIssues(issues: ValidationIssue[]): string {
  return issues.map((i) => `  ${i.file} ${i.path || '(root)'}: ${i.message}`).join('\n');
}

/**
 * Validates, then writes <outDir>/mygpki-helpdesk-<version>.zip with every file at the zip root
 * (where Teams looks). Throws ManifestValidationError and writes nothing when anything is invalid.
 */
export async function packageApp(app: AppPackage, outDir = path.join(HERE, 'build')): Promise<string> {
  const issues = await validateApp(app);
  if (issues.length) throw new ManifestValidationError(issues);
  // A fixed timestamp makes the zip byte-for-byte reproducible for the same inputs.
  const date = new Date(Date.UTC(2024, 0, 1));
  const zip = new JSZip();
  zip.file('manifest.json', JSON.stringify(app.manifest, null, 2) + '\n', { date });
  for (const [name, loc] of Object.entries(app.localizations)) zip.file(name, JSON.stringify(loc, null, 2) + '\n', { date });
  for (const [name, png] of Object.entries(app.icons)) zip.file(name, png, { date });
  const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${PACKAGE_BASENAME}-${String(app.manifest.version)}.zip`);
  writeFileSync(file, bytes);
  return file;
}

const USAGE = `Usage: npm run manifest -- [options]
  --bot-id <guid>        bot's Microsoft App ID (default: MicrosoftAppId)
  --public-url <url>     where users reach the bot; its host becomes validDomains (default: PUBLIC_URL)
  --app-id <guid>        Teams app id (default: derived from the bot id, stable)
  --version <x.y.z>      app version (default: package.json's)
  --out <dir>            output folder (default: manifest/build)
  --developer-name, --website-url, --privacy-url, --terms-url   publisher details (placeholders by default)`;

/**
 * The CLI; returns the exit code. `env` goes to loadConfig only; left out, loadConfig reads the
 * process environment itself (infra/config.ts stays the only reader of process.env).
 */
export async function main(argv: string[], env?: Record<string, string | undefined>): Promise<number> {
  const err = (s: string) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`);
  const text = { type: 'string' } as const;
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({
      args: argv,
      strict: true,
      options: {
        'bot-id': text,
        'app-id': text,
        'public-url': text,
        version: text,
        out: text,
        'developer-name': text,
        'website-url': text,
        'privacy-url': text,
        'terms-url': text,
        help: { type: 'boolean' },
      },
    }).values;
  } catch (e) {
    err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
  try {
    // Read configuration only for what the flags leave open, so flags alone never trip over an
    // unrelated bad setting in the environment.
    let config: Config | undefined;
    const cfg = () => (config ??= loadConfig(env));
    const app = buildManifest({
      botId: str('bot-id') ?? cfg().bot.appId,
      publicUrl: str('public-url') ?? cfg().publicUrl,
      appId: str('app-id'),
      version: str('version'),
      developer: {
        name: str('developer-name'),
        websiteUrl: str('website-url'),
        privacyUrl: str('privacy-url'),
        termsOfUseUrl: str('terms-url'),
      },
    });
    if (!(app.manifest.validDomains as string[] | undefined)?.length)
      err('warning: no public URL (PUBLIC_URL or --public-url), so validDomains is empty');
    const file = await packageApp(app, str('out') ? path.resolve(str('out')!) : undefined);
    process.stdout.write(
      `Teams app package ${String(app.manifest.version)} (app id ${String(app.manifest.id)}) validated against ${String(app.manifest.$schema)}\nwrote ${file}\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof ManifestValidationError) err(`The app package is invalid; nothing written:\n${formatIssues(e.issues)}`);
    else err(`manifest: ${(e as Error).message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
