import { expect } from 'chai';
import { selfHelpSolvedCount } from '../../domain/usecases/complaint.js';
import { stopBotAndConnector } from '../support/certs.js';
import { askedField, cardOf, promptOf, texts, type Chat } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { TestClock } from '../support/bot.js';
import { MONDAY_0900, startHelpdeskBot, type HelpdeskBot, type HelpdeskPerson } from '../support/helpdesk.js';
import type { SentActivity } from '../support/connector.js';

const cardText = (r: SentActivity[]) => JSON.stringify(r.filter((a) => cardOf(a)).map(cardOf));

/**
 * The FAQ reachable on its own: "soalan lazim" or "faq" from anywhere outside a
 * form, or the helpdesk group of the menu; answers in the person's language; a solved question
 * is counted and opens no ticket; "report it" starts a complaint that keeps what was asked.
 */
describe('e2e: the FAQ on its own (soalan lazim)', function () {
  this.timeout(120_000);
  let bot: HelpdeskBot;
  let chat: Record<HelpdeskPerson, Chat>;
  const clock = new TestClock(MONDAY_0900);
  const connector = new TestConnector();

  before(async () => {
    ({ bot, chat } = await startHelpdeskBot(connector, clock));
  });
  after(() => stopBotAndConnector(bot, connector));

  it('is in the helpdesk group of the menu, in both languages', async () => {
    expect(cardText(await chat['demo-tech'].say('menu'))).to.contain('Soalan lazim');
    await chat['demo-tech'].say('english');
    expect(cardText(await chat['demo-tech'].say('menu'))).to.contain('Frequently asked questions');
    await chat['demo-tech'].say('bahasa melayu');
  });

  it('asks the question in Malay, answers from the FAQ, and counts a solved question without a ticket', async () => {
    const user = chat['demo-applicant'];
    let r = await user.say('soalan lazim');
    expect(askedField(r)).to.equal('faqQuestion');
    expect(promptOf(r)?.text).to.contain('Apa soalan anda?');
    r = await user.say('token tidak dikesan oleh komputer');
    expect(cardText(r)).to.contain('Jawapan daripada soalan lazim').and.contain('Token atau kad pintar tidak dikesan oleh komputer');
    expect(askedField(r)).to.equal('faqOutcome');
    r = await user.say('Ya, sudah terjawab');
    expect(texts(r)).to.contain('Baguslah');
    expect(await selfHelpSolvedCount(bot.core)).to.equal(1);
    expect(await bot.core.cases.listByApplicant('demo-applicant')).to.have.length(0);
  });

  it('searches at once when the question comes with the word, in English, and "report it" keeps the question as the complaint', async () => {
    const user = chat['demo-lead'];
    await user.say('english');
    let r = await user.say('FAQ: I forgot the PIN of my softcert');
    expect(cardText(r))
      .to.contain('Answers from the frequently asked questions')
      .and.contain('I forgot the PIN of my softcert digital certificate');
    expect(askedField(r)).to.equal('faqOutcome');
    r = await user.say('Report it to the helpdesk');
    expect(askedField(r)).to.equal('category');
    r = await user.say('PIN');
    r = await user.say('HRMIS');
    // The description is what was asked; the form goes straight to the screenshot.
    expect(texts(r)).to.contain('The problem description is taken from your question: "I forgot the PIN of my softcert"');
    expect(askedField(r)).to.equal('screenshot');
    r = await user.say('skip');
    if (askedField(r) === 'solved') r = await user.say('no');
    const id = /ticket \*\*(AD-\d{4}-\d{6})\*\*/.exec(texts(r))?.[1];
    expect(id, texts(r)).to.be.a('string');
    const c = await bot.core.cases.get(id!);
    expect((c?.data as { description?: string }).description).to.equal('I forgot the PIN of my softcert');
    expect(await selfHelpSolvedCount(bot.core)).to.equal(1);
  });

  it('says plainly when nothing matches and lets the person ask again in other words, or leave with "batal"', async () => {
    const user = chat['demo-ap'];
    let r = await user.say('soalan lazim zxqv plorb');
    expect(texts(r)).to.contain('tidak menjumpai jawapan');
    expect(askedField(r)).to.equal('faqNext');
    r = await user.say('Tanya soalan lain');
    expect(askedField(r)).to.equal('faqQuestion');
    r = await user.say('ok');
    // Too short to search: asked again, nothing lost.
    expect(askedField(r)).to.equal('faqQuestion');
    r = await user.say('batal');
    expect(askedField(r)).to.equal(undefined);
    expect(await bot.core.cases.listByApplicant('demo-ap')).to.have.length(0);
  });
});
