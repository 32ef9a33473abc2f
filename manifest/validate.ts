import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import { COLOR_SIZE, OUTLINE_SIZE } from './icons.js';
import { decodePng, readPngHeader } from './png.js';

/**
 * Offline validation of the app package. The schemas come from @microsoft/app-manifest, which ships
 * every Teams schema version: AppManifestUtils.validateAgainstSchema maps a manifest's `$schema` URL
 * to its local copy. It silently falls back to downloading a schema it does not ship, so we first
 * check that the local copy exists and refuse otherwise: a build must never depend on the network.
 */

export interface ValidationIssue {
  /** File in the package: manifest.json, en.json, color.png … */
  file: string;
  /** JSON pointer of the offending value ('' = the whole file). */
  path: string;
  message: string;
}

export type Json = Record<string, unknown>;

const packageDir = path.dirname(createRequire(import.meta.url).resolve('@microsoft/app-manifest'));

/** Local file of a schema URL, mirroring the package's mapping; undefined when it is not shipped. */
export function shippedSchemaFile(schemaUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(schemaUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.hostname !== 'developer.microsoft.com') return undefined;
  // Learn links may carry a locale (/en-us/json-schemas/…); the package strips it too.
  const suffix = url.pathname.replace(/^\/[a-z]{2}(?:-[a-z]{2})?(?=\/json-schemas\/)/i, '');
  if (!suffix.startsWith('/json-schemas/teams/')) return undefined;
  const file = path.join(packageDir, suffix);
  return existsSync(file) ? file : undefined;
}

/** Turns the package's "<instancePath> <message>. Details: <params>" strings into issues. */
function toIssue(file: string, raw: string): ValidationIssue {
  const m = /^(\S*) ([\s\S]*?)\. Details: ([\s\S]*)$/.exec(raw);
  if (!m) return { file, path: '', message: raw };
  let [, pointer, message] = m;
  let params: Record<string, unknown> = {};
  try {
    params = JSON.parse(m[3]) as Record<string, unknown>;
  } catch {
    // Params are informative only; keep the message without them.
  }
  // Name the property itself, not its parent, so "which field?" is answered by the path.
  if (typeof params.missingProperty === 'string') pointer += `/${params.missingProperty}`;
  if (typeof params.additionalProperty === 'string') pointer += `/${params.additionalProperty}`;
  if (typeof params.allowedValue === 'string') message += ` (${JSON.stringify(params.allowedValue)})`;
  return { file, path: pointer, message };
}

/**
 * Escapes `]` outside a character class. Every Localization schema the package ships has two
 * patternProperties like `…\b]\.description$`: a lone `]` is a literal in a plain JS RegExp but a
 * syntax error with the `u` flag ajv compiles with, so validating any localization file throws.
 * Escaping it keeps the meaning exactly. Patterns that already compile are left alone.
 */
function repairPattern(pattern: string): string {
  try {
    new RegExp(pattern, 'u');
    return pattern;
  } catch {
    let out = '';
    let inClass = false;
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === '\\') {
        out += c + (pattern[++i] ?? '');
        continue;
      }
      if (c === '[') inClass = true;
      else if (c === ']' && inClass) inClass = false;
      else if (c === ']') {
        out += '\\]';
        continue;
      }
      out += c;
    }
    return out;
  }
}

function repairSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(repairSchema);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => {
      if (k === 'pattern' && typeof v === 'string') return [k, repairPattern(v)];
      if (k === 'patternProperties' && v && typeof v === 'object') {
        return [k, Object.fromEntries(Object.entries(v).map(([p, s]) => [repairPattern(p), repairSchema(s)]))];
      }
      return [k, repairSchema(v)];
    }),
  );
}

/**
 * Runs AppManifestUtils.validateAgainstSchema on a shipped schema. The manifest goes through the
 * package's own URL mapping; a localization file gets its (repaired) shipped schema passed in.
 */
type ShippedSchema = Parameters<typeof AppManifestUtils.validateAgainstSchema>[1];

async function againstSchema(file: string, doc: Json, kind: 'manifest' | 'localization'): Promise<ValidationIssue[]> {
  const schemaUrl = doc.$schema;
  if (typeof schemaUrl !== 'string' || !schemaUrl)
    return [{ file, path: '/$schema', message: 'is required: the URL of a Teams schema version' }];
  const schemaFile = shippedSchemaFile(schemaUrl);
  if (!schemaFile) {
    return [
      {
        file,
        path: '/$schema',
        message: `${schemaUrl} is not a schema shipped with @microsoft/app-manifest, so it cannot be checked offline`,
      },
    ];
  }
  try {
    const raw =
      kind === 'manifest'
        ? await AppManifestUtils.validateAgainstSchema(doc as unknown as AppManifest)
        : await AppManifestUtils.validateAgainstSchema(
            doc as unknown as AppManifest,
            repairSchema(JSON.parse(readFileSync(schemaFile, 'utf8'))) as ShippedSchema,
          );
    return raw.map((r) => toIssue(file, r));
  } catch (err) {
    return [{ file, path: '', message: `could not be checked against ${schemaUrl}: ${(err as Error).message}` }];
  }
}

/**
 * Validates a manifest against the schema named by its `$schema`, plus the one rule the schema
 * states but does not enforce: `version` must be MAJOR.MINOR.PATCH (Teams refuses anything else on
 * upload). The pattern is the schema's own `definitions.semver`.
 */
export async function validateManifest(manifest: Json): Promise<ValidationIssue[]> {
  const issues = await againstSchema('manifest.json', manifest, 'manifest');
  const schemaFile = typeof manifest.$schema === 'string' ? shippedSchemaFile(manifest.$schema) : undefined;
  if (schemaFile && typeof manifest.version === 'string') {
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as { definitions?: { semver?: { pattern?: string } } };
    const pattern = schema.definitions?.semver?.pattern;
    if (pattern && !new RegExp(pattern).test(manifest.version)) {
      issues.push({
        file: 'manifest.json',
        path: '/version',
        message: `must be a semantic version MAJOR.MINOR.PATCH (got ${JSON.stringify(manifest.version)})`,
      });
    }
  }
  return issues;
}

/** Reads a value of the manifest at a localization key such as `bots[0].commandLists[1].commands[2].title`. */
function lookup(doc: unknown, key: string): unknown {
  let cur: unknown = doc;
  for (const part of key.match(/[^.[\]]+/g) ?? []) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/**
 * Validates a localization file against the Localization schema of the same version, and checks
 * that it matches the manifest: every key points at a real string, and every bot command is
 * translated (otherwise English users would see a Malay command list).
 */
export async function validateLocalization(file: string, loc: Json, manifest: Json): Promise<ValidationIssue[]> {
  const issues = await againstSchema(file, loc, 'localization');
  const want = `/v${String(manifest.manifestVersion)}/MicrosoftTeams.Localization.schema.json`;
  if (typeof loc.$schema === 'string' && !loc.$schema.endsWith(want)) {
    issues.push({ file, path: '/$schema', message: `must be the Localization schema of the manifest's version (…${want})` });
  }
  for (const key of Object.keys(loc)) {
    if (key === '$schema' || key === 'localizationKeys') continue;
    if (typeof lookup(manifest, key) !== 'string')
      issues.push({ file, path: `/${key}`, message: 'translates a value the manifest does not have' });
  }
  const bots = Array.isArray(manifest.bots) ? (manifest.bots as Json[]) : [];
  (Array.isArray(bots[0]?.commandLists) ? (bots[0].commandLists as Json[]) : []).forEach((list, li) => {
    (Array.isArray(list.commands) ? list.commands : []).forEach((_c: unknown, ci: number) => {
      for (const field of ['title', 'description']) {
        const key = `bots[0].commandLists[${li}].commands[${ci}].${field}`;
        if (!(key in loc)) issues.push({ file, path: `/${key}`, message: 'is missing: every bot command needs a translation' });
      }
    });
  });
  return issues;
}

/** Teams' icon rules: colour 192×192, outline 32×32 with only white or fully transparent pixels. */
export function checkIcons(manifest: Json, files: Record<string, Uint8Array>): ValidationIssue[] {
  const icons = (manifest.icons ?? {}) as { color?: string; outline?: string };
  const issues: ValidationIssue[] = [];
  const rules = [
    { role: 'color', name: icons.color, size: COLOR_SIZE },
    { role: 'outline', name: icons.outline, size: OUTLINE_SIZE },
  ];
  for (const { role, name, size } of rules) {
    if (!name) continue; // the schema already reports a missing icon entry
    const png = files[name];
    if (!png) {
      issues.push({ file: 'manifest.json', path: `/icons/${role}`, message: `names ${name}, which is not in the package` });
      continue;
    }
    try {
      const { width, height } = readPngHeader(png);
      if (width !== size || height !== size)
        issues.push({ file: name, path: '', message: `must be ${size}×${size} pixels (is ${width}×${height})` });
      if (role === 'outline') {
        const img = decodePng(png);
        let bad = 0;
        let first = '';
        for (let i = 0; i < img.rgba.length; i += 4) {
          const [r, g, b, a] = img.rgba.subarray(i, i + 4);
          if (a !== 0 && (r !== 255 || g !== 255 || b !== 255)) {
            if (!bad++) first = `(${(i / 4) % img.width}, ${Math.floor(i / 4 / img.width)})`;
          }
        }
        if (bad)
          issues.push({
            file: name,
            path: '',
            message: `must be white on transparent: ${bad} pixel(s) are coloured, the first at ${first}`,
          });
      }
    } catch (err) {
      issues.push({ file: name, path: '', message: (err as Error).message });
    }
  }
  return issues;
}
