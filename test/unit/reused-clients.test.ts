import { expect } from 'chai';
import {
  AuthenticationConstants,
  ClaimsIdentity,
  ConnectorFactory,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import { appIdOf, ReusedClients } from '../../bot/http/reused-clients.js';
import { FailClosedAuthentication } from '../../bot/http/auth.js';

class CountingFactory extends ConnectorFactory {
  made: string[] = [];
  async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    this.made.push(`${serviceUrl}|${audience ?? ''}`);
    return { serviceUrl, audience } as unknown as ConnectorClient;
  }
}

/** bot/http/reused-clients.ts: the SDK's per-turn clients, built once per app id, service URL and audience. */
describe('reused Bot Framework clients', () => {
  it('builds one connector client per app id, service URL and audience, and hands it to later turns', async () => {
    const clients = new ReusedClients();
    const inner = new CountingFactory();
    const a1 = await clients.connectorFactory('app', inner).create('https://smba.example/', 'aud');
    const a2 = await clients.connectorFactory('app', new CountingFactory()).create('https://smba.example/', 'aud');
    expect(a2).to.equal(a1);
    const other = await clients.connectorFactory('app', inner).create('https://other.example/', 'aud');
    expect(other).to.not.equal(a1);
    const otherApp = new CountingFactory();
    await clients.connectorFactory('app2', otherApp).create('https://smba.example/', 'aud');
    expect(inner.made).to.deep.equal(['https://smba.example/|aud', 'https://other.example/|aud']);
    expect(otherApp.made).to.deep.equal(['https://smba.example/|aud']);
  });

  it('does not keep a client whose creation failed: the next turn tries again', async () => {
    const clients = new ReusedClients();
    let calls = 0;
    const make = async () => {
      calls += 1;
      if (calls === 1) throw new Error('token endpoint down');
      return { ok: true } as unknown as UserTokenClient;
    };
    const failed = await clients.userToken('app', make).catch((e: Error) => e);
    expect(failed).to.be.instanceOf(Error);
    expect(await clients.userToken('app', make)).to.deep.equal({ ok: true });
    expect(await clients.userToken('app', make)).to.deep.equal({ ok: true });
    expect(calls).to.equal(2);
  });

  it('reads the app id as the SDK does: audience first, then appid, else none', () => {
    const claims = (pairs: [string, string][]) => new ClaimsIdentity(pairs.map(([type, value]) => ({ type, value })));
    expect(appIdOf(claims([[AuthenticationConstants.AudienceClaim, 'aud-id']]))).to.equal('aud-id');
    expect(appIdOf(claims([[AuthenticationConstants.AppIdClaim, 'app-id']]))).to.equal('app-id');
    expect(appIdOf(claims([]))).to.equal('');
  });

  it('the bot authentication gives the same clients to every turn of an anonymous (no app id) bot', async () => {
    const auth = new FailClosedAuthentication({});
    const activity = { type: 'message', serviceUrl: 'http://127.0.0.1:9/', channelId: 'emulator' };
    const r1 = await auth.authenticateRequest(activity as never, '');
    const r2 = await auth.authenticateRequest(activity as never, '');
    const c1 = await r1.connectorFactory!.create('http://127.0.0.1:9/', r1.audience);
    const c2 = await r2.connectorFactory!.create('http://127.0.0.1:9/', r2.audience);
    expect(c2).to.equal(c1);
    expect(await auth.createUserTokenClient(r2.claimsIdentity)).to.equal(await auth.createUserTokenClient(r1.claimsIdentity));
    expect(await auth.createConnectorFactory(r1.claimsIdentity).create('http://127.0.0.1:9/', r1.audience)).to.equal(c1);
  });
});
