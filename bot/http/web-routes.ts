import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Request, Response, Server } from 'restify';

const gzipAsync = promisify(gzip);

export interface WebRoutesOptions {
  /** The folder of browser files (`web/`). */
  webDir: string;
  /** The Web Chat bundle; by default the installed botframework-webchat's dist/webchat.js. */
  webchatBundle?: string;
  /**
   * Origins allowed to frame the widget page (the intranet pages that use embed.js). Unset: any
   * origin may frame it, which the embed snippet needs until the operators name their intranets.
   */
  frameAncestors?: string[];
  /**
   * Where browsers reach the bot (PUBLIC_URL, or http://localhost:<port>): the page's CSP lets Web
   * Chat open its stream there. Unset (a server without the bot around it, as in tests): the
   * address the server listens on. Never a request's Host header, which a client may forge.
   */
  publicUrl?: () => string;
}

/** Only what a browser page needs; anything else in web/ (or a new extension) is not served. */
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.js', '.css', '.svg', '.json']);
/** One path segment of letters, digits, dot, dash, underscore, not starting with a dot: no traversal, no dotfiles. */
const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

interface Cached {
  mtimeMs: number;
  body: Buffer;
  gz?: Buffer;
  etag: string;
}

/**
 * The Web Chat widget: `/chat` (the page, with a per-request CSP nonce for Web Chat's injected
 * styles), `/` (redirect), `/web/*` (files that exist directly in web/) and `/web/webchat.js`
 * (the botframework-webchat bundle, served by file path because the package's `exports` hide dist/).
 */
export function mountWebRoutes(server: Server, opts: WebRoutesOptions): void {
  const webDir = realpathSync(opts.webDir);
  const bundle = opts.webchatBundle ?? webchatBundlePath();
  const cache = new Map<string, Cached>();
  const publicUrl = opts.publicUrl ?? (() => listeningUrl(server));

  /** Reads (and gzips) a file once per modification, so edits in development show on reload. */
  async function load(file: string, compress: boolean): Promise<Cached> {
    const { mtimeMs } = statSync(file);
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === mtimeMs) return hit;
    const body = await readFile(file);
    // Weak: the gzip and identity encodings of the file share it, which only a weak validator may do.
    const entry: Cached = { mtimeMs, body, etag: `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
    if (compress) entry.gz = await gzipAsync(body);
    cache.set(file, entry);
    return entry;
  }

  async function sendFile(req: Request, res: Response, file: string, ext: string, cacheControl: string): Promise<void> {
    const entry = await load(file, COMPRESSIBLE.has(ext));
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', cacheControl);
    res.setHeader('etag', entry.etag);
    res.setHeader('vary', 'accept-encoding');
    if (req.headers['if-none-match'] === entry.etag) return void res.sendRaw(304, Buffer.alloc(0));
    res.setHeader('content-type', TYPES[ext]);
    const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (entry.gz && acceptsGzip) {
      res.setHeader('content-encoding', 'gzip');
      return void res.sendRaw(200, entry.gz);
    }
    res.sendRaw(200, entry.body);
  }

  server.get('/', async (req: Request, res: Response) => {
    // Keeps the query (e.g. ?transport=polling) so a shared link still works through the redirect.
    const q = req.getQuery();
    res.setHeader('location', `/chat${typeof q === 'string' && q ? `?${q}` : ''}`);
    res.send(302);
  });

  server.get('/chat', async (_req: Request, res: Response) => {
    const template = await load(path.join(webDir, 'chat.html'), false);
    // A fresh nonce per response: Web Chat injects <style> elements and stamps them with it.
    const nonce = randomBytes(16).toString('base64');
    const html = template.body.toString('utf8').replaceAll('__CSP_NONCE__', nonce);
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('content-security-policy', contentSecurityPolicy(nonce, new URL(publicUrl()).host, opts.frameAncestors));
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    // The nonce makes each response unique; a cached copy would carry a stale one.
    res.setHeader('cache-control', 'no-store');
    res.sendRaw(200, Buffer.from(html, 'utf8'));
  });

  server.get('/web/webchat.js', async (req: Request, res: Response) => {
    await sendFile(req, res, bundle, '.js', 'public, max-age=86400');
  });

  server.get('/web/*', async (req: Request, res: Response) => {
    const name = String((req.params as Record<string, string>)['*'] ?? '');
    const file = servable(webDir, name);
    if (!file) return void res.send(404, { error: 'not found' });
    await sendFile(req, res, file, path.extname(name), 'public, max-age=300, must-revalidate');
  });
}

/**
 * The file for `name` when it is a regular file directly inside web/ with a served extension;
 * undefined otherwise. The name is one safe segment and the real path must stay in the folder,
 * so neither `..`, encoded slashes nor a symlink pointing out can reach other files.
 */
export function servable(webDir: string, name: string): string | undefined {
  if (!SAFE_NAME.test(name) || !Object.hasOwn(TYPES, path.extname(name))) return undefined;
  const candidate = path.join(webDir, name);
  if (!existsSync(candidate)) return undefined;
  const real = realpathSync(candidate);
  if (path.dirname(real) !== webDir || !statSync(real).isFile()) return undefined;
  return real;
}

/** http://<listening address>:<port>, with `localhost` for a wildcard address (0.0.0.0 or ::). */
function listeningUrl(server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  const host = address === '0.0.0.0' || address === '::' ? 'localhost' : address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${port}`;
}

/** botframework-webchat's dist/webchat.js, found from the package's main entry (its `exports` hide package.json and dist/). */
export function webchatBundlePath(): string {
  const require = createRequire(import.meta.url);
  let dir = path.dirname(require.resolve('botframework-webchat'));
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
  if (pkg.name !== 'botframework-webchat') throw new Error(`botframework-webchat not found (reached ${dir})`);
  return path.join(dir, 'dist', 'webchat.js');
}

const EMPTY_STYLE_HASH = `sha256-${createHash('sha256').update('').digest('base64')}`;

/**
 * Only the bot's own origin: scripts from self, Web Chat's styles by nonce, card and upload images
 * as data:/blob:, the Direct Line REST calls and WebSocket stream to `host` (the bot's public
 * host and port, from configuration), uploads read from blob:.
 */
export function contentSecurityPolicy(nonce: string, host: string, frameAncestors?: string[]): string {
  const wsSelf = /^[A-Za-z0-9.:[\]-]+$/.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    // The hash is that of an empty <style>: react-scroll-to-bottom (inside Web Chat) inserts one
    // without the nonce and fills it through the CSSOM, which CSP does not govern.
    `style-src 'self' 'nonce-${nonce}' '${EMPTY_STYLE_HASH}'`,
    "img-src 'self' data: blob:",
    "media-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' data: blob:${wsSelf}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    ...(frameAncestors ? [`frame-ancestors 'self'${frameAncestors.map((o) => ` ${o}`).join('')}`] : []),
  ].join('; ');
}
