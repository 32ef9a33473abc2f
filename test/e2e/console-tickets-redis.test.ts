import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { inCi } from '../contract/harness.js';
import { removeDir, startTestBot } from '../support/bot.js';
import { Chat } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { AGENT_EMAIL, AGENT_PASSWORD, ConsoleClient, setPasswordByCommand } from '../support/console.js';
import { lodgeViaChat, noticeMatch } from '../support/helpdesk.js';
import { deleteKeys, REDIS_URL, redisReachable } from '../support/redis.js';

const redisUp = await redisReachable();

/**
 * Two bot instances on one embedded store that reach each other only through Redis: a ticket
 * lodged on B and answered on B shows up live in a console held by A, and the action taken in
 * A's console reaches a console held by B.
 */
describe(`e2e: ticket changes reach every instance's console over Redis (${REDIS_URL})`, function () {
  if (!redisUp) {
    if (inCi()) it('Redis is reachable', () => void expect.fail(`Redis is required in CI (CI=true) but does not answer at ${REDIS_URL}`));
    else it(`SKIPPED: Redis not reachable at ${REDIS_URL}`);
    return;
  }
  this.timeout(90_000);
  const prefix = `gpki-test-tickets-${randomUUID().slice(0, 8)}`;
  const connector = new TestConnector();
  let a: Awaited<ReturnType<typeof startTestBot>>;
  let b: Awaited<ReturnType<typeof startTestBot>>;
  const desks: ConsoleClient[] = [];

  before(async () => {
    await connector.start();
    const env = { REDIS_URL, QUEUE_PREFIX: prefix };
    a = await startTestBot(env);
    b = await startTestBot(env, a.dataDir);
    const set = await setPasswordByCommand({ DATA_DIR: a.dataDir }, AGENT_EMAIL, AGENT_PASSWORD);
    expect(set.code, set.stderr).to.equal(0);
  });
  after(async () => {
    for (const d of desks) d.close();
    await b?.close();
    await a?.close();
    if (a) removeDir(a.dataDir);
    await connector.stop();
    await deleteKeys(prefix);
  });

  it("shows a ticket lodged on B in the console on A, and A's action in the console on B", async () => {
    const onA = await ConsoleClient.signIn(a.url, AGENT_EMAIL, AGENT_PASSWORD);
    const onB = await ConsoleClient.signIn(b.url, AGENT_EMAIL, AGENT_PASSWORD);
    desks.push(onA, onB);
    await onA.listen();
    await onB.listen();
    const user = new Chat({ botUrl: () => b.url, connector, userId: 'demo-applicant', channelId: 'msteams' });
    await user.say('menu');
    const id = await lodgeViaChat(user);

    await onA.waitForEvent('the new ticket from B', (e) => e.type === 'ticket' && e.caseId === id && e.event === 'ticketNew');
    expect(((await onA.call('GET', '/console/api/tickets')).json.tickets as { id: string }[]).map((t) => t.id)).to.include(id);

    const r = await onA.call('POST', `/console/api/tickets/${id}/askInfo`, { text: 'Nombor siri token?' });
    expect(r.status).to.equal(200);
    await onB.waitForEvent('the question asked on A', (e) => e.type === 'ticket' && e.caseId === id && e.event === 'ticketInfoRequested');
    await user.waitForSeen('the question', noticeMatch(id, 'Nombor siri token?'));

    await user.submit({ verb: 'ticketUser', caseId: id, action: 'reply', text: 'SN 12345678' });
    await onA.waitForEvent('the answer given on B', (e) => e.type === 'ticket' && e.caseId === id && e.event === 'ticketUserReplied');
    const details = (await onA.call('GET', `/console/api/tickets/${id}`)).json;
    expect(details.status).to.equal('DALAM_TINDAKAN');
    expect(details.messages.at(-1)).to.deep.include({ kind: 'userReply', text: 'SN 12345678' });
  });
});
