import type { Request, Response, Server } from 'restify';
import { timeText } from '../../ui/time-format.js';
import type { CertificateAuthority } from '../../domain/ports/certificate-authority.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import { MIN_PASSWORD } from '../../domain/rules/download-password.js';
import { openTrainingDownload, redeemTrainingDownload } from '../../domain/usecases/training.js';
import { t, type MessageKey } from '../../ui/i18n/index.js';
import { errorKey } from '../../ui/errors.js';
import type { TrainingDownloadLinks } from './download-links.js';

export interface TrainingRouteDeps {
  core: CoreDeps;
  trainingCa: CertificateAuthority;
  downloadLinks: TrainingDownloadLinks;
}

// The page carries a signed link and takes a password: nothing may frame it, cache it or leak its URL.
const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'private, no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

const html = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The training CA's public material (`/pki/training/ca.pem`, `/pki/training/crl`) and the one-time
 * download page of generated-key training certificates, where the holder chooses the PKCS#12
 * password in the browser, never in the chat. Both languages are shown: the page has no session.
 */
export function mountTrainingRoutes(server: Server, deps: TrainingRouteDeps): void {
  server.get('/pki/training/ca.pem', async (_req: Request, res: Response) => {
    res.setHeader('content-type', 'application/x-pem-file');
    res.sendRaw(200, await deps.trainingCa.caCertificatesPem());
  });
  server.get('/pki/training/crl', async (_req: Request, res: Response) => {
    res.setHeader('content-type', 'application/pkix-crl');
    res.sendRaw(200, await deps.trainingCa.crlDer());
  });

  const path = '/pki/training/download/:caseId';
  server.get(path, async (req: Request, res: Response) => {
    const link = linkOf(req, deps);
    if (!link) return page(res, 403, [notice('download.EXPIRED')]);
    const open = await openTrainingDownload(deps.core, link.caseId);
    if (!open.ok) return page(res, open.error === 'NOT_FOUND' ? 404 : 410, [notice(errorKey('download', open.error))]);
    page(res, 200, form(link, open.value.c.data.fullName, open.value.c.certificateSerial ?? '', open.value.expiresAt));
  });
  server.post(path, async (req: Request, res: Response) => {
    const link = linkOf(req, deps);
    if (!link) return page(res, 403, [notice('download.EXPIRED')]);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const r = await redeemTrainingDownload(deps.core, {
      caseId: link.caseId,
      password: String(body.password ?? ''),
      confirm: String(body.confirm ?? ''),
    });
    if (r.ok) {
      res.setHeader('content-type', 'application/x-pkcs12');
      res.setHeader('content-disposition', `attachment; filename="${r.value.fileName}"`);
      res.setHeader('cache-control', 'private, no-store');
      return void res.sendRaw(200, r.value.pkcs12);
    }
    if (r.error === 'PASSWORD_SHORT' || r.error === 'PASSWORD_LONG' || r.error === 'PASSWORD_MISMATCH') {
      const open = await openTrainingDownload(deps.core, link.caseId);
      if (open.ok)
        return page(res, 400, [
          notice(errorKey('download', r.error), r.params),
          ...form(link, open.value.c.data.fullName, open.value.c.certificateSerial ?? '', open.value.expiresAt),
        ]);
    }
    page(res, r.error === 'NOT_FOUND' ? 404 : 410, [notice(errorKey('download', r.error), r.params)]);
  });
}

interface Link {
  caseId: string;
  exp: string;
  sig: string;
}

function linkOf(req: Request, deps: TrainingRouteDeps): Link | undefined {
  const caseId = String(req.params.caseId ?? '');
  const q = req.query as Record<string, string | undefined>;
  return deps.downloadLinks.verify(caseId, q.exp, q.sig) ? { caseId, exp: q.exp!, sig: q.sig! } : undefined;
}

/** A message in both languages. */
function notice(key: MessageKey, params: Record<string, string | number> = {}): string {
  return `<p class="notice">${html(t('ms', key, params))}<br><span lang="en">${html(t('en', key, params))}</span></p>`;
}

/** `params` may differ by language (a time carries its label in each). */
function both(
  key: Parameters<typeof t>[1],
  params: Record<string, string | number> | ((l: 'ms' | 'en') => Record<string, string | number>) = {},
): string {
  const p = typeof params === 'function' ? params : () => params;
  return `${html(t('ms', key, p('ms')))} / <span lang="en">${html(t('en', key, p('en')))}</span>`;
}

function form(link: Link, name: string, serial: string, expiresAt: string): string[] {
  const action = `/pki/training/download/${encodeURIComponent(link.caseId)}?exp=${encodeURIComponent(link.exp)}&sig=${encodeURIComponent(link.sig)}`;
  const params = (l: 'ms' | 'en') => ({
    serial: serial.toUpperCase(),
    name,
    caseId: link.caseId,
    expires: timeText(l, expiresAt),
    min: MIN_PASSWORD,
  });
  return [
    `<p>${both('download.intro', params)}</p>`,
    `<form method="post" action="${html(action)}">`,
    `<label>${both('download.password', params)}<br><input type="password" name="password" minlength="${MIN_PASSWORD}" maxlength="128" autocomplete="new-password" required></label>`,
    `<label>${both('download.confirm')}<br><input type="password" name="confirm" minlength="${MIN_PASSWORD}" maxlength="128" autocomplete="new-password" required></label>`,
    `<p>${both('download.keep')}</p>`,
    `<button type="submit">${both('download.submit')}</button>`,
    '</form>',
    ...importSteps(),
  ];
}

/** What to do with the file once it is saved: the download itself leaves this page on screen. */
function importSteps(): string[] {
  const steps = (k: 'windows' | 'firefox') =>
    [1, 2, 3].map((i) => `<li>${both(`download.import.${k}.${i}` as Parameters<typeof t>[1])}</li>`).join('');
  return [
    `<h2>${both('download.import.title')}</h2>`,
    `<h3>${both('download.import.windows')}</h3><ol class="import-windows">${steps('windows')}</ol>`,
    `<h3>${both('download.import.firefox')}</h3><ol class="import-firefox">${steps('firefox')}</ol>`,
  ];
}

function page(res: Response, status: number, parts: string[]): void {
  for (const [k, v] of Object.entries(PAGE_HEADERS)) res.setHeader(k, v);
  const doc = `<!doctype html><html lang="ms"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${html(t('ms', 'download.title'))}</title>
<style>*{box-sizing:border-box}body{font-family:system-ui,sans-serif;color:#1b2430;max-width:40rem;margin:2rem auto;padding:0 1rem}.warn{background:#fff3cd;border:1px solid #c9a227;padding:.75rem}label{display:block;margin:1rem 0}input{width:100%;padding:.5rem;font:inherit;border:1px solid #4a5563;border-radius:4px}button{font:inherit;padding:.6rem 1.2rem;background:#1f4e79;color:#fff;border:1px solid #1f4e79;border-radius:6px;cursor:pointer}input:focus-visible,button:focus-visible{outline:3px solid #b35c00;outline-offset:2px}.notice{border-left:4px solid #a33;padding-left:.75rem}</style></head>
<body><h1>${both('download.title')}</h1><p class="warn">${both('download.notProduction')}</p>${parts.join('\n')}</body></html>`;
  res.sendRaw(status, doc);
}
