import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the Bot Framework's token signer: an OpenID metadata document and a key
 * set, and tokens signed here. The bot validates them with the SDK's own code, pointed at this
 * metadata by BOT_OPENID_METADATA_URL.
 */
export class LocalTokenIssuer {
  readonly kid = 'local-test-key';
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private server?: http.Server;
  metadataUrl = '';

  async start(endorsements: string[]): Promise<void> {
    const jwk = { ...this.keys.publicKey.export({ format: 'jwk' }), kid: this.kid, use: 'sig', alg: 'RS256', endorsements };
    this.server = http.createServer((req, res) => {
      const base = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
      const body =
        req.url === '/keys'
          ? { keys: [jwk] }
          : { issuer: 'https://api.botframework.com', jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256'] };
      res.statusCode = 200;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.metadataUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/openidconfiguration`;
  }

  /** A channel token for `appId`; `withKey` signs with another key (a forgery). */
  token(claims: { appId: string; serviceUrl: string }, withKey?: KeyObject): string {
    const now = Math.floor(Date.now() / 1000);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const head = b64({ alg: 'RS256', typ: 'JWT', kid: this.kid });
    const body = b64({
      iss: 'https://api.botframework.com',
      aud: claims.appId,
      serviceurl: claims.serviceUrl,
      nbf: now - 60,
      exp: now + 600,
    });
    const sig = sign('sha256', Buffer.from(`${head}.${body}`), withKey ?? this.keys.privateKey).toString('base64url');
    return `${head}.${body}.${sig}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
