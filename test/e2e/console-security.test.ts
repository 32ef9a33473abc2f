import { expect } from 'chai';
import { loadConfig, ConfigError } from '../../infra/config.js';
import { removeDir, startTestBot, TestClock } from '../support/bot.js';
import { AGENT_EMAIL, AGENT_PASSWORD, ConsoleClient, setPasswordByCommand } from '../support/console.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;
const MINUTE = 60_000;

/** One sign-in over HTTP, as if from `from` (believed: the test runs behind TRUSTED_PROXIES=127.0.0.1). */
async function login(
  bot: Bot,
  email: string,
  password: string,
  from: string,
  extra: Record<string, string> = {},
): Promise<{ status: number; error?: string; retryAfter: string | null; cookie?: string }> {
  const res = await fetch(`${bot.url}/console/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from, ...extra },
    body: JSON.stringify({ email, password }),
  });
  const json = (await res.json()) as { error?: string };
  return {
    status: res.status,
    error: json.error,
    retryAfter: res.headers.get('retry-after'),
    cookie: res.headers.get('set-cookie')?.split(';')[0],
  };
}

async function me(bot: Bot, cookie: string): Promise<number> {
  return (await fetch(`${bot.url}/console/api/me`, { headers: { cookie } })).status;
}

/**
 * The helpdesk console against an outside attacker: a lock-out that a flood of other e-mails
 * cannot lift and a restart does not forget, answers that do not tell who is an agent, sessions
 * that end on the server, and an SSO header believed only from the proxy that sets it.
 */
describe('e2e: console sign-in and sessions hold against an outside attacker', function () {
  this.timeout(240_000);
  const clock = new TestClock(new Date('2026-12-07T01:00:00Z'));
  const env = { TRUSTED_PROXIES: '127.0.0.1,::1', AGENT_SSO_HEADER: 'x-remote-user' };
  let bot: Bot;
  const others: Bot[] = [];

  before(async () => {
    bot = await startTestBot(env, undefined, { clock });
    const set = await setPasswordByCommand({ DATA_DIR: bot.dataDir }, AGENT_EMAIL, AGENT_PASSWORD);
    expect(set.code, set.stderr).to.equal(0);
  });
  afterEach(async () => {
    for (const b of others.splice(0)) await b.close();
  });
  after(async () => {
    await bot.close();
    removeDir(bot.dataDir);
  });

  it('locks an account after five wrong passwords; 10,050 failed sign-ins for other e-mails, a restart and a second instance do not lift it', async () => {
    for (let i = 1; i <= 5; i++)
      expect((await login(bot, AGENT_EMAIL, `salah-${i}-kata-laluan`, '10.0.0.1')).status, `guess ${i}`).to.equal(401);
    const locked = await login(bot, AGENT_EMAIL, AGENT_PASSWORD, '10.0.0.1');
    expect(locked).to.include({ status: 429, error: 'TOO_MANY_ATTEMPTS' });
    expect(Number(locked.retryAfter)).to.be.within(1, 15 * 60);

    // The flood that used to push the account out of an in-memory table.
    const statuses = new Map<number, number>();
    for (let i = 0; i < 10_050; i += 150) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(150, 10_050 - i) }, (_, j) =>
          login(bot, `tiada-${i + j}@flood.gov.my`, 'tekaan-rawak-123', '10.0.0.2'),
        ),
      );
      for (const r of batch) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
    // Per address too: after 30 failures the flooding address is refused before any password is checked.
    expect(statuses.get(401)).to.equal(30);
    expect(statuses.get(429)).to.equal(10_020);
    expect((await login(bot, AGENT_EMAIL, AGENT_PASSWORD, '10.0.0.2')).status).to.equal(429);

    // From a fresh address, the right password still waits: the account's own lock-out held.
    expect(await login(bot, AGENT_EMAIL, AGENT_PASSWORD, '10.0.0.3')).to.include({ status: 429, error: 'TOO_MANY_ATTEMPTS' });
    // Another instance on the same store sees the same lock-out; so does this one after a restart.
    const second = await startTestBot(env, bot.dataDir, { clock });
    others.push(second);
    expect((await login(second, AGENT_EMAIL, AGENT_PASSWORD, '10.0.0.4')).status).to.equal(429);
    await bot.close();
    bot = await startTestBot(env, bot.dataDir, { clock });
    expect((await login(bot, AGENT_EMAIL, AGENT_PASSWORD, '10.0.0.5')).status).to.equal(429);

    // The lock-out is bounded: once its window ends, the right password works again.
    clock.set(new Date(clock.now().getTime() + 16 * MINUTE));
    const back = await login(bot, AGENT_EMAIL, AGENT_PASSWORD, '10.0.0.1');
    expect(back.status).to.equal(200);
    expect(back.cookie).to.match(/^gpki_console=[\w-]{43}$/);
  });

  it('answers an unknown e-mail exactly like a wrong password, in comparable time', async () => {
    const timeOf = async (email: string, from: string) => {
      const t0 = process.hrtime.bigint();
      const r = await login(bot, email, 'bukan-kata-laluan-ini', from);
      expect({ status: r.status, error: r.error }).to.deep.equal({ status: 401, error: 'SIGNIN_FAILED' });
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    // Interleaved, from fresh addresses, one failure per e-mail each: no throttle is involved.
    for (let i = 0; i < 4; i++) {
      known.push(await timeOf(AGENT_EMAIL, `10.1.0.${i}`));
      unknown.push(await timeOf(`orang-${i}-tiada@mampu.gov.my`, `10.2.0.${i}`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // Before: 2 ms against 46 ms. Both now pay for the same password hash.
    const ratio = median(unknown) / median(known);
    expect(ratio, `unknown ${unknown.map(Math.round)} ms, known ${known.map(Math.round)} ms`).to.be.within(0.4, 2.5);
    const good = await login(bot, AGENT_EMAIL, AGENT_PASSWORD, '10.3.0.1');
    expect(good.status).to.equal(200);
  });

  it('ends sessions on the server: logout, a password reset and a withdrawn role, on every instance at once', async () => {
    const second = await startTestBot(env, bot.dataDir, { clock });
    others.push(second);
    const a = await ConsoleClient.signIn(bot.url, AGENT_EMAIL, AGENT_PASSWORD);
    expect(await me(second, a.cookie)).to.equal(200);
    await a.listen();
    expect((await a.call('POST', '/console/api/logout')).status).to.equal(200);
    expect(await me(bot, a.cookie)).to.equal(401);
    expect(await me(second, a.cookie)).to.equal(401);
    a.close();

    // A password reset ends every session of that agent, wherever it was opened.
    const b = await ConsoleClient.signIn(bot.url, AGENT_EMAIL, AGENT_PASSWORD);
    const c = await ConsoleClient.signIn(second.url, AGENT_EMAIL, AGENT_PASSWORD);
    const reset = await setPasswordByCommand({ DATA_DIR: bot.dataDir }, AGENT_EMAIL, `${AGENT_PASSWORD}-baharu`);
    expect(reset.code, reset.stderr).to.equal(0);
    // b and c, and the sessions the earlier tests left open.
    expect(Number(/(\d+) console session\(s\) ended/.exec(reset.stdout)?.[1])).to.be.at.least(2);
    expect(await me(bot, b.cookie)).to.equal(401);
    expect(await me(second, c.cookie)).to.equal(401);
    expect((await login(bot, AGENT_EMAIL, AGENT_PASSWORD, '10.4.0.1')).status).to.equal(401);

    // A role withdrawn in the directory: refused at once on every instance, and the session is over.
    const d = await ConsoleClient.signIn(bot.url, AGENT_EMAIL, `${AGENT_PASSWORD}-baharu`);
    const person = (await bot.core.directory.findByEmail(AGENT_EMAIL))!;
    await bot.core.directory.upsertPerson({ ...person, roles: person.roles.filter((r) => r !== 'HELPDESK_AGENT') });
    expect(await me(second, d.cookie)).to.equal(403);
    await bot.core.directory.upsertPerson(person);
    expect(await me(bot, d.cookie)).to.equal(401);
    // Put back as it was for the other tests.
    expect((await setPasswordByCommand({ DATA_DIR: bot.dataDir }, AGENT_EMAIL, AGENT_PASSWORD)).code).to.equal(0);
  });

  it('believes the SSO header only from a trusted proxy, and refuses to start with the header but no proxies', async () => {
    // 127.0.0.1 is trusted here: the proxy says who signed in.
    const viaProxy = await login(bot, '', '', '10.5.0.1', { 'x-remote-user': AGENT_EMAIL });
    expect(viaProxy.status).to.equal(200);
    expect(await me(bot, viaProxy.cookie!)).to.equal(200);

    // The same header straight from a client (the proxy is elsewhere) is refused, password or not.
    const direct = await startTestBot({ TRUSTED_PROXIES: '10.9.9.9', AGENT_SSO_HEADER: 'x-remote-user' }, bot.dataDir, { clock });
    others.push(direct);
    expect(await login(direct, AGENT_EMAIL, AGENT_PASSWORD, '10.5.0.2', { 'x-remote-user': AGENT_EMAIL })).to.include({
      status: 403,
      error: 'SSO_NOT_TRUSTED',
    });
    expect(await login(direct, '', '', '10.5.0.2', { 'x-remote-user': AGENT_EMAIL })).to.include({ status: 403, error: 'SSO_NOT_TRUSTED' });
    // Without the header, the password still works there.
    expect((await login(direct, AGENT_EMAIL, AGENT_PASSWORD, '10.5.0.2')).status).to.equal(200);

    try {
      loadConfig({ AGENT_SSO_HEADER: 'x-remote-user' });
      expect.fail('AGENT_SSO_HEADER without TRUSTED_PROXIES was accepted');
    } catch (e) {
      expect(e).to.be.instanceOf(ConfigError);
      expect((e as ConfigError).issues.map((i) => i.key)).to.deep.equal(['TRUSTED_PROXIES']);
    }
    expect(() => loadConfig({ TRUSTED_PROXIES: '10.0.0.0/33' })).to.throw(ConfigError, /TRUSTED_PROXIES/);
  });
});
