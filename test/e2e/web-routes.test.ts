import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import restify from 'restify';
import { mountWebRoutes } from '../../bot/http/web-routes.js';
import { removeDir } from '../support/bot.js';

const REAL_WEB = fileURLToPath(new URL('../../web/', import.meta.url));

/** A raw GET: fetch() would normalise `..` and encoded slashes away before they reach the server. */
function rawGet(
  base: string,
  rawPath: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: rawPath, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function serve(webDir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = restify.createServer({ name: 'web-routes-test', handleUncaughtExceptions: false });
  mountWebRoutes(server, { webDir });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('web routes: the widget page, its files and the Web Chat bundle', () => {
  let site: Awaited<ReturnType<typeof serve>>;
  before(async () => void (site = await serve(REAL_WEB)));
  after(async () => site.close());

  it('serves /chat with a fresh CSP nonce per response that the page scripts carry', async () => {
    const a = await fetch(`${site.url}/chat`);
    const b = await fetch(`${site.url}/chat`);
    const html = await a.text();
    await b.arrayBuffer();
    expect(a.status).to.equal(200);
    expect(a.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    expect(a.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(a.headers.get('cache-control')).to.equal('no-store');
    const csp = a.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce).to.be.a('string');
    expect(html).to.contain(`<script src="/web/chat.js" nonce="${nonce}">`).and.not.contain('__CSP_NONCE__');
    expect(b.headers.get('content-security-policy')).to.not.contain(nonce!);
    expect(csp).to.contain("default-src 'self'").and.contain("script-src 'self';").and.contain("object-src 'none'");
    expect(csp)
      .to.contain("img-src 'self' data: blob:")
      .and.match(/connect-src 'self' data: blob: ws:\/\/127\.0\.0\.1:\d+ wss:\/\/127\.0\.0\.1:\d+/);
    expect(csp).to.not.contain('unsafe-inline').and.not.contain('unsafe-eval');
  });

  it('redirects / to /chat, keeping the query', async () => {
    const plain = await fetch(`${site.url}/`, { redirect: 'manual' });
    expect(plain.status).to.equal(302);
    expect(plain.headers.get('location')).to.equal('/chat');
    const polling = await fetch(`${site.url}/?transport=polling`, { redirect: 'manual' });
    expect(polling.headers.get('location')).to.equal('/chat?transport=polling');
  });

  it('serves web/ files with their type, an ETag (304 on revalidation) and gzip when accepted', async () => {
    const js = await rawGet(site.url, '/web/chat.js', { 'accept-encoding': 'gzip' });
    expect(js.status).to.equal(200);
    expect(js.headers['content-type']).to.equal('text/javascript; charset=utf-8');
    expect(js.headers['content-encoding']).to.equal('gzip');
    expect(js.headers['x-content-type-options']).to.equal('nosniff');
    expect(gunzipSync(js.body).toString()).to.contain('createDirectLine');
    const again = await rawGet(site.url, '/web/chat.js', { 'if-none-match': String(js.headers.etag) });
    expect(again.status).to.equal(304);
    const css = await fetch(`${site.url}/web/chat.css`);
    expect(css.headers.get('content-type')).to.equal('text/css; charset=utf-8');
    expect(await css.text()).to.contain('--accent');
    const embed = await fetch(`${site.url}/web/embed.js`);
    expect(embed.status).to.equal(200);
    expect(await embed.text()).to.contain('gpki:need-token');
  });

  it('serves the Web Chat bundle from the installed package', async () => {
    const res = await rawGet(site.url, '/web/webchat.js');
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).to.contain('max-age=');
    expect(res.body.length).to.be.greaterThan(1_000_000);
    expect(res.body.subarray(-2000).toString('utf8')).to.contain('window.WebChat=');
  });

  it('answers 404 for anything that is not a file directly in web/', async () => {
    for (const p of ['/web/nothing-here.js', '/web/chat.html', '/web/sub/chat.js', '/web/.hidden.js', '/web/', '/web/chat']) {
      expect((await rawGet(site.url, p)).status, p).to.equal(404);
    }
  });

  describe('path traversal', () => {
    let root: string;
    let jail: Awaited<ReturnType<typeof serve>>;
    before(async () => {
      // web/ holds one file; its parent holds a secret, and a symlink inside web/ points at it.
      root = mkdtempSync(path.join(os.tmpdir(), 'gpki-web-'));
      mkdirSync(path.join(root, 'web'));
      writeFileSync(path.join(root, 'web', 'ok.js'), '/* ok */');
      writeFileSync(path.join(root, 'web', 'chat.html'), '<p>__CSP_NONCE__</p>');
      writeFileSync(path.join(root, 'secret.js'), 'TOP-SECRET');
      symlinkSync(path.join(root, 'secret.js'), path.join(root, 'web', 'link.js'));
      jail = await serve(path.join(root, 'web'));
    });
    after(async () => {
      await jail.close();
      removeDir(root);
    });

    it('never serves a file outside web/, however the path is spelled', async () => {
      expect((await rawGet(jail.url, '/web/ok.js')).status).to.equal(200);
      const attempts = [
        '/web/../secret.js',
        '/web/..%2fsecret.js',
        '/web/..%2Fsecret.js',
        '/web/%2e%2e%2fsecret.js',
        '/web/%2E%2E/secret.js',
        '/web/..%5csecret.js',
        '/web/....//secret.js',
        '/web/%252e%252e%252fsecret.js',
        '/web/ok.js%00/../../secret.js',
        '/web/link.js',
        `/web/${encodeURIComponent(path.join(root, 'secret.js'))}`,
        '/web//etc/passwd',
        '/web/..%2f..%2f..%2fetc%2fpasswd',
      ];
      for (const p of attempts) {
        const res = await rawGet(jail.url, p);
        expect(res.status, p).to.be.oneOf([400, 404]);
        expect(res.body.toString(), p).to.not.contain('TOP-SECRET').and.not.contain('root:');
      }
    });
  });
});
