import {
  AuthenticationConstants,
  ConnectorFactory,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';

/** The bot's app id the SDK reads from a turn's claims (audience for channels, appid for the Emulator). */
export function appIdOf(claims: ClaimsIdentity): string {
  return claims.getClaimValue(AuthenticationConstants.AudienceClaim) ?? claims.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}

/** A bounded map, oldest entry dropped first: a few service URLs and app ids in practice. */
class Bounded<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  set(key: string, value: V): void {
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
}

/**
 * The SDK's CloudAdapter builds a new ConnectorClient and a new UserTokenClient for every turn
 * (an Azure HTTP pipeline each: policies, sanitizer, user agent), although both depend only on
 * the app id, the service URL and the audience, and hold no per-turn state: credentials fetch and
 * cache their tokens per request. That was a fifth of a turn's allocations. Here each is built
 * once per key and handed to later turns, as botbuilder's older BotFrameworkAdapter did with its
 * connector client cache. A failed creation is not kept.
 */
export class ReusedClients {
  private readonly connectors = new Bounded<Promise<ConnectorClient>>(256);
  private readonly tokens = new Bounded<Promise<UserTokenClient>>(64);
  private readonly factories = new Bounded<ConnectorFactory>(64);

  /** `inner` made for `appId`: its clients are shared with every other factory made for that app id. */
  connectorFactory(appId: string, inner: ConnectorFactory): ConnectorFactory {
    let factory = this.factories.get(appId);
    if (!factory) {
      factory = new SharedConnectorFactory(appId, inner, this);
      this.factories.set(appId, factory);
    }
    return factory;
  }

  connector(
    appId: string,
    serviceUrl: string,
    audience: string | undefined,
    make: () => Promise<ConnectorClient>,
  ): Promise<ConnectorClient> {
    return this.reuse(this.connectors, `${appId}\u0000${serviceUrl}\u0000${audience ?? ''}`, make);
  }

  userToken(appId: string, make: () => Promise<UserTokenClient>): Promise<UserTokenClient> {
    return this.reuse(this.tokens, appId, make);
  }

  private reuse<T>(cache: Bounded<Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
    const hit = cache.get(key);
    if (hit) return hit;
    const made = make();
    cache.set(key, made);
    made.catch(() => {
      if (cache.get(key) === made) cache.delete(key);
    });
    return made;
  }
}

class SharedConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly appId: string,
    private readonly inner: ConnectorFactory,
    private readonly clients: ReusedClients,
  ) {
    super();
  }
  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    return this.clients.connector(this.appId, serviceUrl, audience, () => this.inner.create(serviceUrl, audience));
  }
}
