import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Mints an intranet identity assertion the way the README tells intranet backends to. */
export function makeAssertion(secret: string, sub: string, name?: string, lifetimeSeconds = 300): string {
  const payload = Buffer.from(JSON.stringify({ sub, name, exp: Math.floor(Date.now() / 1000) + lifetimeSeconds })).toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
}

/**
 * A stand-in agency intranet on its own origin: a portal page that includes the bot's embed.js,
 * and the backend token endpoint that signs the signed-in person's identity and asks the bot for
 * a Direct Line token (passing on the conversation id, so reloads resume).
 */
export async function startIntranet(opts: {
  botUrl: string;
  secret: string;
  signedIn: () => { id: string; name: string };
}): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/portal') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="ms"><head><meta charset="utf-8"><title>Portal intranet agensi</title></head>
<body><h1>Portal intranet agensi</h1>
<script src="${opts.botUrl}/web/embed.js" data-token-url="/intranet/gpki-token"></script></body></html>`);
      return;
    }
    if (req.method === 'POST' && req.url === '/intranet/gpki-token') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { conversationId?: string };
          const me = opts.signedIn();
          const answer = await fetch(`${opts.botUrl}/api/directline/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ assertion: makeAssertion(opts.secret, me.id, me.name), conversationId: body.conversationId }),
          });
          res.writeHead(answer.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          res.end(await answer.text());
        })().catch(() => {
          res.writeHead(502);
          res.end();
        });
      });
      return;
    }
    // No favicon: an empty answer rather than a 404 the browser would report as an error.
    res.writeHead(req.url === '/favicon.ico' ? 204 : 404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
