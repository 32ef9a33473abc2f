import { expect } from 'chai';
import { TestClock } from '../support/bot.js';
import { TestConnector } from '../support/connector.js';
import { stopBotAndConnector } from '../support/certs.js';
import { AGENT_EMAIL, AGENT_PASSWORD, ConsoleClient, setPasswordByCommand } from '../support/console.js';
import { cardOf, DirectLineUser, type DlActivity } from '../support/directline.js';
import { lodgeViaChat, MONDAY_0900, startHelpdeskBot, ticket, type HelpdeskBot } from '../support/helpdesk.js';
import { waitFor } from '../support/wait-for.js';

/** The card's "Status" fact, as its viewer reads it. */
const statusOf = (card: unknown): string | undefined =>
  (card as { body?: { facts?: { title: string; value: string }[] }[] } | undefined)?.body
    ?.flatMap((b) => b.facts ?? [])
    .find((f) => f.title === 'Status')?.value;

const verbsOf = (card: unknown): string[] =>
  JSON.stringify(card ?? {})
    .match(/"action":"[a-zA-Z]+"/g)
    ?.map((m) => m.slice(10, -1)) ?? [];

/**
 * An agent in Web Chat (the bot's own Direct Line) holds a ticket card; when the ticket changes
 * without a click on that card (another agent acts from the console), the card in their chat is
 * replaced in place by the current one, as Teams' refresh does.
 */
describe('e2e: Web Chat copies of decision cards follow changes made elsewhere', function () {
  this.timeout(120_000);
  let bot: HelpdeskBot;
  const connector = new TestConnector();
  const clock = new TestClock(MONDAY_0900);
  let desk: ConsoleClient | undefined;

  after(async () => {
    desk?.close();
    await stopBotAndConnector(bot, connector);
  });

  it("replaces the agent's ticket card in Web Chat when the ticket is acknowledged from the console", async () => {
    const started = await startHelpdeskBot(connector, clock);
    bot = started.bot;
    // The agent's last channel becomes the bot's Direct Line: the new-ticket card goes there.
    const agent = await DirectLineUser.demo(bot.url, 'demo-agent');
    await agent.start();
    await agent.say('menu');
    const id = await lodgeViaChat(started.chat['demo-applicant']);

    const isTicketCard = (a: DlActivity) => JSON.stringify(cardOf(a) ?? {}).includes(id) && verbsOf(cardOf(a)).includes('acknowledge');
    const original = await waitFor('the ticket card in Web Chat', async () => (await agent.history()).find(isTicketCard));
    expect(statusOf(cardOf(original))).to.equal('Baharu');

    const set = await setPasswordByCommand({ DATA_DIR: bot.dataDir }, AGENT_EMAIL, AGENT_PASSWORD);
    expect(set.code, set.stderr).to.equal(0);
    desk = await ConsoleClient.signIn(bot.url, AGENT_EMAIL, AGENT_PASSWORD);
    const r = await desk.call('POST', `/console/api/tickets/${encodeURIComponent(id)}/acknowledge`, {});
    expect(r.status, JSON.stringify(r.json)).to.equal(200);
    const acknowledged = await ticket(bot, id);
    expect(acknowledged.status).to.not.equal('BARU');

    // A replacement with the same id: Web Chat shows it in place of the card, with the ticket's new status.
    const replacement = await waitFor('the replaced ticket card', async () =>
      (await agent.history()).find((a) => a.id === original.id && statusOf(cardOf(a)) === 'Diterima'),
    );
    expect(JSON.stringify(cardOf(replacement))).to.contain(id);
    const copies = (await agent.history()).filter((a) => JSON.stringify(cardOf(a) ?? {}).includes(id));
    expect(new Set(copies.map((a) => a.id)).size, 'one card for the ticket, replaced in place').to.equal(1);
  });
});
