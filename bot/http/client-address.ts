import { BlockList, isIP } from 'node:net';
import type { Request } from 'restify';

/**
 * Who is on the other end of a request, believing forwarding headers only from the reverse
 * proxies the operator named (TRUSTED_PROXIES). Anyone else could write those headers themselves.
 */
export class ClientAddresses {
  private readonly trusted = new BlockList();
  private readonly any: boolean;

  constructor(trustedProxies: readonly string[]) {
    for (const entry of trustedProxies) {
      const [ip, bits] = entry.split('/') as [string, string | undefined];
      const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.trusted.addAddress(ip, type);
      else this.trusted.addSubnet(ip, Number(bits), type);
    }
    this.any = trustedProxies.length > 0;
  }

  /** True when the request's peer is one of the trusted proxies. */
  fromTrustedProxy(req: Request): boolean {
    return this.any && this.isTrusted(peerOf(req));
  }

  /**
   * The client's address: the peer, or behind trusted proxies the right-most X-Forwarded-For
   * entry that is not itself a trusted proxy (entries further left are the client's own say).
   */
  of(req: Request): string {
    const peer = peerOf(req);
    if (!this.any || !this.isTrusted(peer)) return peer;
    const hops = String(req.headers['x-forwarded-for'] ?? '')
      .split(',')
      .map((h) => normalise(h.trim()))
      .filter((h) => isIP(h));
    for (let i = hops.length - 1; i >= 0; i--) if (!this.isTrusted(hops[i]!)) return hops[i]!;
    return hops[0] ?? peer;
  }

  private isTrusted(address: string): boolean {
    const type = isIP(address) === 6 ? 'ipv6' : isIP(address) === 4 ? 'ipv4' : undefined;
    return type !== undefined && this.trusted.check(address, type);
  }
}

function peerOf(req: Request): string {
  return normalise(req.socket?.remoteAddress ?? '');
}

/** `::ffff:10.1.2.3` (an IPv4 peer on a dual-stack socket) is 10.1.2.3. */
function normalise(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}
