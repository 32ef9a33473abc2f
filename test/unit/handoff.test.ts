import { expect } from 'chai';
import { AGENT_WORDS } from '../../dialogs/agent-request.js';
import { parseAgentHours, withinAgentHours, type AgentHours } from '../../domain/rules/agent-hours.js';
import Database from 'better-sqlite3';
import { ConsoleSessions, hashPassword, verifyPassword } from '../../bot/handoff/console-auth.js';
import { SqliteAgentSessions } from '../../infra/store/embedded/rate-limits.js';

describe('helpdesk agents: working hours, words, sessions and passwords', () => {
  it('parses working hours and refuses what it cannot read', () => {
    const h = parseAgentHours('Mon-Fri 08:00-17:00 +08:00') as AgentHours;
    expect([...h.days].sort()).to.deep.equal([1, 2, 3, 4, 5]);
    expect([h.from, h.to, h.offsetMinutes]).to.deep.equal([480, 1020, 480]);
    expect([...(parseAgentHours('Fri-Mon 09:00-13:00') as AgentHours).days].sort()).to.deep.equal([0, 1, 5, 6]);
    for (const bad of ['weekdays', 'Mon-Fri 17:00-08:00', 'Mon-Xyz 08:00-17:00', 'Mon 08:60-09:00'])
      expect(parseAgentHours(bad)).to.have.property('error');
  });

  it('tells working hours in Malaysian time, start inclusive and end exclusive', () => {
    const h = parseAgentHours('Mon-Fri 08:00-17:00 +08:00') as AgentHours;
    expect(withinAgentHours(h, new Date('2026-11-30T00:00:00Z'))).to.equal(true); // Mon 08:00 MYT
    expect(withinAgentHours(h, new Date('2026-11-29T23:59:00Z'))).to.equal(false); // Mon 07:59 MYT
    expect(withinAgentHours(h, new Date('2026-11-30T09:00:00Z'))).to.equal(false); // Mon 17:00 MYT
    expect(withinAgentHours(h, new Date('2026-11-29T02:00:00Z'))).to.equal(false); // Sun 10:00 MYT
    expect(withinAgentHours(parseAgentHours('always') as AgentHours, new Date('2026-11-29T02:00:00Z'))).to.equal(true);
  });

  it('recognises requests for a person, and not other sentences', () => {
    for (const yes of [
      'ejen',
      'agent',
      'nak cakap dengan orang',
      'cakap dengan ejen',
      'talk to a human',
      'i want to speak to a person',
      'bercakap dengan manusia sebenar',
    ])
      expect(AGENT_WORDS.test(yes), yes).to.equal(true);
    for (const no of ['ejen saya AP', 'agent orange', 'nak mohon sijil', 'human resources'])
      expect(AGENT_WORDS.test(no), no).to.equal(false);
  });

  it('keeps sessions on the server: an unknown, changed, ended or expired cookie is none, and the CSRF token belongs to its session', async () => {
    let now = Date.parse('2026-11-27T00:00:00Z');
    const db = new Database(':memory:');
    const store = new SqliteAgentSessions({ db });
    const sessions = new ConsoleSessions({ store, secret: 'a-secret-of-enough-length', ttlSeconds: 60, now: () => new Date(now) });
    const { cookie, csrf, session } = await sessions.issue('demo-agent');
    expect(await sessions.read(cookie)).to.deep.equal(session);
    expect(sessions.csrfValid(session, csrf)).to.equal(true);
    const other = await sessions.issue('demo-agent');
    expect(sessions.csrfValid(other.session, csrf)).to.equal(false);
    // The store holds a digest: its key is not a cookie that works.
    expect(await sessions.read(session.sid)).to.equal(undefined);
    expect(await sessions.read(`${cookie.slice(0, -1)}${cookie.endsWith('A') ? 'B' : 'A'}`)).to.equal(undefined);
    await sessions.end(session);
    expect(await sessions.read(cookie)).to.equal(undefined);
    expect(await sessions.read(other.cookie)).to.not.equal(undefined);
    expect(await sessions.endAllFor('demo-agent')).to.equal(1);
    expect(await sessions.read(other.cookie)).to.equal(undefined);
    const late = await sessions.issue('demo-agent');
    now += 61_000;
    expect(await sessions.read(late.cookie)).to.equal(undefined);
    db.close();
  });

  it('hashes passwords with scrypt and a fresh salt each time', async () => {
    const a = await hashPassword('kata-laluan-ujian-1');
    const b = await hashPassword('kata-laluan-ujian-1');
    expect(a).to.match(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).to.not.equal(b);
    expect(await verifyPassword('kata-laluan-ujian-1', a)).to.equal(true);
    expect(await verifyPassword('kata-laluan-ujian-2', a)).to.equal(false);
    expect(await verifyPassword('kata-laluan-ujian-1', 'bcrypt$whatever')).to.equal(false);
  });
});
