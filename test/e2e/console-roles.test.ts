import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { removeDir, startTestBot } from '../support/bot.js';
import { AGENT_EMAIL, AGENT_PASSWORD, ConsoleClient, setPasswordByCommand } from '../support/console.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Every desk route of the console API, with an id where the path takes one. */
const DESK_ROUTES: [Method, string][] = [
  ['GET', '/console/api/queue'],
  ['GET', '/console/api/conversations/c-1'],
  ...(['take', 'messages', 'notes', 'fields', 'handback', 'end'].map((a) => ['POST', `/console/api/conversations/c-1/${a}`]) as [
    Method,
    string,
  ][]),
  ['GET', '/console/api/tickets'],
  ['GET', '/console/api/tickets/AD-2026-000001'],
  ...(['acknowledge', 'reply', 'askInfo', 'resolve', 'onsite'].map((a) => ['POST', `/console/api/tickets/AD-2026-000001/${a}`]) as [
    Method,
    string,
  ][]),
  ['GET', '/console/api/replies'],
  ['POST', '/console/api/replies'],
  ['PUT', '/console/api/replies/r-1'],
  ['DELETE', '/console/api/replies/r-1'],
  ['GET', '/console/api/events'],
];
/** Routes any signed-in console person uses, and the reports' own. */
const NOT_DESK = [
  '/console/api/login',
  '/console/api/logout',
  '/console/api/me',
  '/console/api/reports',
  '/console/api/reports.csv',
  '/console/api/reports/satisfaction.csv',
];

/** The console API paths registered with a literal path in the edge's source, as `METHOD path`. */
function registeredRoutes(): string[] {
  const files = ['../../bot/handoff/console-routes.ts', '../../bot/handoff/saved-replies-routes.ts', '../../bot/reports/routes.ts'];
  const verbs: Record<string, Method> = { get: 'GET', post: 'POST', put: 'PUT', del: 'DELETE' };
  return files.flatMap((f) => {
    const source = readFileSync(fileURLToPath(new URL(f, import.meta.url)), 'utf8');
    // The ticket actions are registered in a loop over TICKET_ROUTES' keys.
    const ticketActions = [...(/TICKET_ROUTES[^{]*\{([^}]*)\}/.exec(source)?.[1]?.matchAll(/(\w+):/g) ?? [])].map((m) => m[1]!);
    return [...source.matchAll(/server\.(get|post|put|del)\(\s*['`](\/console\/api\/[^'`]+)['`]/g)].flatMap((m) => {
      const route = `${verbs[m[1]!]} ${m[2]}`;
      return route.includes('${route}') ? ticketActions.map((a) => route.replace('${route}', a)) : [route];
    });
  });
}

/**
 * The console admits three roles and shows each only its own part (domain/rules/console-access.ts):
 * the lead agency and admins sign in for the reports but every desk route refuses them; an agent
 * keeps the desk and is refused the reports; a person with none of the roles cannot sign in.
 */
describe('e2e: console roles (desk for agents, reports for the lead agency and admins)', function () {
  this.timeout(120_000);
  let bot: Bot;
  const LEAD = { email: 'farid@mampu.gov.my', password: 'kata-laluan-peneraju-1' };
  const ADMIN = { email: 'pentadbir@mampu.gov.my', password: 'kata-laluan-pentadbir-1' };

  before(async () => {
    bot = await startTestBot({ TRUSTED_PROXIES: '127.0.0.1,::1', AGENT_SSO_HEADER: 'x-remote-user' });
    await bot.core.directory.upsertPerson({
      id: 'demo-admin',
      name: 'Zulkifli bin Yusof',
      email: ADMIN.email,
      agencyId: 'MAMPU',
      roles: ['USER', 'ADMIN'],
      identities: [],
    });
    for (const [email, password] of [
      [AGENT_EMAIL, AGENT_PASSWORD],
      [LEAD.email, LEAD.password],
      [ADMIN.email, ADMIN.password],
    ] as const) {
      const set = await setPasswordByCommand({ DATA_DIR: bot.dataDir }, email, password);
      expect(set.code, set.stderr).to.equal(0);
    }
  });
  after(async () => {
    await bot?.close();
    if (bot) removeDir(bot.dataDir);
  });

  it('the test covers every desk route the console registers', () => {
    const registered = registeredRoutes();
    expect(registered).to.include('POST /console/api/tickets/:id/acknowledge').and.include('DELETE /console/api/replies/:id');
    const covered = new Set(DESK_ROUTES.map(([m, p]) => `${m} ${p.replace(/c-1|AD-2026-000001|r-1/, ':id')}`));
    for (const route of registered) {
      if (NOT_DESK.includes(route.split(' ')[1]!)) continue;
      expect(covered.has(route), `${route} is not in DESK_ROUTES`).to.equal(true);
    }
  });

  it('a lead-agency officer and an admin sign in, see which areas are theirs, and every desk route refuses them', async () => {
    for (const [who, areas] of [
      [LEAD, ['reports']],
      [ADMIN, ['reports', 'queues']],
    ] as const) {
      const c = await ConsoleClient.signIn(bot.url, who.email, who.password);
      const me = await c.call('GET', '/console/api/me');
      expect(me.status).to.equal(200);
      expect(me.json.areas).to.deep.equal(areas);
      expect(me.json).to.not.have.property('fieldChoices');
      for (const [method, path] of DESK_ROUTES) {
        const body =
          method === 'GET' || method === 'DELETE'
            ? undefined
            : { text: 'cuba', title: 'cuba', locale: 'ms', field: 'email', value: 'x@moh.gov.my' };
        const r = await c.call(method, path, body);
        expect(r, `${who.email} ${method} ${path}`).to.deep.equal({ status: 403, json: { error: 'NOT_AN_AGENT' } });
      }
      // Refused the desk, not signed out: the reports still open, and the session still lives.
      expect((await c.call('GET', '/console/api/reports')).status).to.equal(200);
      expect((await c.call('GET', '/console/api/me')).status).to.equal(200);
      expect((await c.call('POST', '/console/api/logout')).status).to.equal(200);
    }
  });

  it('an agent keeps the desk and is refused the reports, their CSVs and the page', async () => {
    const agent = await ConsoleClient.signIn(bot.url, AGENT_EMAIL, AGENT_PASSWORD);
    expect((await agent.call('GET', '/console/api/me')).json.areas).to.deep.equal(['desk']);
    expect((await agent.call('GET', '/console/api/queue')).status).to.equal(200);
    expect((await agent.call('GET', '/console/api/tickets')).status).to.equal(200);
    expect((await agent.call('GET', '/console/api/replies')).status).to.equal(200);
    for (const path of ['/console/api/reports', '/console/api/reports.csv', '/console/api/reports/satisfaction.csv']) {
      expect(await agent.call('GET', path), path).to.deep.equal({ status: 403, json: { error: 'NOT_LEAD_AGENCY_OR_ADMIN' } });
    }
    const page = await fetch(`${bot.url}/console/reports`, { headers: { cookie: agent.cookie }, redirect: 'manual' });
    expect(page.status).to.equal(403);
    expect(await page.text()).to.contain('hanya untuk pegawai agensi peneraju dan pentadbir');
    // Still an agent: the desk was not closed by the refusal.
    expect((await agent.call('GET', '/console/api/queue')).status).to.equal(200);
  });

  it('a person with none of the console roles cannot sign in, by password or SSO, nor be given a password', async () => {
    const set = await setPasswordByCommand({ DATA_DIR: bot.dataDir }, 'aminah@moh.gov.my', 'kata-laluan-pengguna-1');
    expect(set.code).to.equal(1);
    expect(set.stderr).to.contain('HELPDESK_AGENT, LEAD_AGENCY, ADMIN');
    const sso = await new ConsoleClient(bot.url).login('', '', { 'x-remote-user': 'aminah@moh.gov.my' });
    expect(sso).to.deep.include({ status: 403, json: { error: 'NOT_AN_AGENT' } });
    const lead = await new ConsoleClient(bot.url).login('', '', { 'x-remote-user': LEAD.email });
    expect(lead.status).to.equal(200);
  });
});
