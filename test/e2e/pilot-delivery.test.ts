import { expect } from 'chai';
import { TestClock } from '../support/bot.js';
import { Chat } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { stopBotAndConnector } from '../support/certs.js';
import { DirectLineUser } from '../support/directline.js';
import { lodgeViaChat, MONDAY_0900, noticeMatch, startHelpdeskBot, type HelpdeskBot, type HelpdeskPerson } from '../support/helpdesk.js';

/**
 * Notices go to the conversation the person used last, over HTTP: a quick visit to Web Chat and
 * back to the chat within the same minute leaves the notices in the chat the person came back to.
 */
describe('e2e: notices follow the conversation used last', function () {
  this.timeout(120_000);
  let bot: HelpdeskBot;
  let chat: Record<HelpdeskPerson, Chat>;
  const clock = new TestClock(MONDAY_0900);
  const connector = new TestConnector();

  before(async () => {
    ({ bot, chat } = await startHelpdeskBot(connector, clock));
  });
  after(() => stopBotAndConnector(bot, connector));

  it('records a switch of conversation at once, both ways, within the once-a-minute refresh', async () => {
    const user = chat['demo-applicant'];
    const id = await lodgeViaChat(user);

    // A few seconds in Web Chat (Direct Line), then back to the chat, all within one minute.
    const web = await DirectLineUser.demo(bot.url, 'demo-applicant');
    await web.start();
    await web.say('menu');
    await user.say('menu');

    // The agent acts: the notice reaches the chat the person is in now, not the Web Chat left behind.
    await chat['demo-agent'].submit({ verb: 'ticketAgent', caseId: id, action: 'acknowledge' });
    await user.waitForSeen('the acknowledgement in the chat', noticeMatch(id, 'telah diterima oleh meja bantuan'));
    expect((await web.history()).filter((a) => (a.text ?? '').includes(id))).to.deep.equal([]);

    // And back to Web Chat: the next notice goes there.
    await web.say('status');
    await chat['demo-agent'].submit({ verb: 'ticketAgent', caseId: id, action: 'resolve', text: 'Pemacu token dikemas kini.' });
    const deadline = Date.now() + 15_000;
    let seen = false;
    while (!seen && Date.now() < deadline) {
      seen = (await web.history()).some((a) => a.from.role !== 'user' && (a.text ?? '').includes(id));
      if (!seen) await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen, 'the resolved notice in Web Chat').to.equal(true);
  });
});
