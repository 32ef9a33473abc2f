import type { Request, Response, Server } from 'restify';
import { published } from '../../domain/usecases/audit-trail.js';
import type { AuditCheckpoints } from '../../domain/ports/audit-checkpoints.js';

export interface AuditRoutesOptions {
  checkpoints: AuditCheckpoints;
  /** The audit signing key's public key (PEM). */
  publicKeyPem: string;
  /** Most checkpoints listed (newest first); default 400, more than a year of daily ones. */
  maxListed?: number;
}

/**
 * The published audit trail, unauthenticated (architecture §10): `GET /audit/checkpoints` (JSON
 * list, newest first: time, treeSize, root, signature, keyId) and `GET /audit/public-key.pem`.
 * Auditors save both and check them with `npm run audit -- verify --checkpoint` or openssl (README).
 */
export function mountAuditRoutes(server: Server, opts: AuditRoutesOptions): void {
  const max = opts.maxListed ?? 400;
  server.get('/audit/checkpoints', async (req: Request, res: Response) => {
    const asked = Number((req.query as Record<string, string | undefined>).limit ?? max);
    const limit = Number.isInteger(asked) && asked > 0 ? Math.min(asked, max) : max;
    const list = await opts.checkpoints.list(limit);
    res.send(
      200,
      list.map((cp) => published({ ...cp, heads: [] })),
    );
  });
  server.get('/audit/public-key.pem', async (_req: Request, res: Response) => {
    res.setHeader('content-type', 'application/x-pem-file');
    res.sendRaw(200, opts.publicKeyPem);
  });
}
