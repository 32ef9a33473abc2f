import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { TestClock } from '../support/bot.js';
import type { Chat } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { stopBotAndConnector } from '../support/certs.js';
import { cardOf, DirectLineUser, promptOf, Stream, type DlActivity } from '../support/directline.js';
import { MONDAY_0900, startHelpdeskBot, ticket, type HelpdeskBot, type HelpdeskPerson } from '../support/helpdesk.js';
import { waitFor } from '../support/wait-for.js';

const AWAY = 'Sementara anda tiada';
const fromBot = (a: DlActivity) => a.from.role !== 'user';
const textOf = (as: DlActivity[]) => as.map((a) => a.text ?? '').join('\n');

/** The submit actions' data of a card, as Web Chat would send them. */
function actionsOf(a: DlActivity): Record<string, unknown>[] {
  return ((cardOf(a)?.actions ?? []) as { data?: Record<string, unknown> }[]).map((x) => x.data ?? {});
}

/**
 * A notice sent to a Web Chat conversation whose tab was closed reaches the person
 * when they open a new tab (a new Direct Line conversation), once, and only what they never got.
 */
describe('e2e: notices missed in a closed Web Chat tab appear in the next one', function () {
  this.timeout(120_000);
  let bot: HelpdeskBot;
  let chat: Record<HelpdeskPerson, Chat>;
  let db: Database.Database;
  const clock = new TestClock(MONDAY_0900);
  const connector = new TestConnector();

  before(async () => {
    ({ bot, chat } = await startHelpdeskBot(connector, clock));
    // Read-only look at the store, to wait for what a closed tab is sent without reading it as a client.
    db = new Database(path.join(bot.dataDir, 'gpki.db'), { readonly: true, fileMustExist: true });
  });
  after(async () => {
    db?.close();
    await stopBotAndConnector(bot, connector);
  });

  const stored = (conversationId: string) =>
    db
      .prepare<[string], { watermark: number; body: string }>(
        'SELECT watermark, body FROM directline_activities WHERE conversation_id = ? ORDER BY watermark',
      )
      .all(conversationId);
  const delivered = (conversationId: string) =>
    db
      .prepare<[string], { delivered_watermark: number }>(
        'SELECT delivered_watermark FROM directline_conversations WHERE conversation_id = ?',
      )
      .get(conversationId)?.delivered_watermark;

  it('carries the resolved card into a new tab once, without what the old tab already showed; the card works there', async () => {
    const agent = chat['demo-agent'];

    // Tab A: the greeting is read, then a complaint is lodged there (the conversation used last).
    const a = await DirectLineUser.demo(bot.url, 'demo-applicant');
    await a.start();
    let wm = (await a.activities()).watermark;
    const step = async (send: () => Promise<string>): Promise<DlActivity[]> => {
      await send();
      const page = await a.activities(wm);
      wm = page.watermark;
      return page.activities.filter(fromBot);
    };
    await step(() => a.submit({ verb: 'start', goal: 'complaint' }));
    await step(() => a.say('Token atau kad pintar'));
    await step(() => a.say('ePerolehan'));
    await step(() => a.say('Token saya tidak dikesan oleh komputer walaupun sudah cuba port USB lain.'));
    let r = await step(() => a.say('langkau'));
    if (r.some((x) => promptOf(x) === 'solved')) r = await step(() => a.say('tidak'));
    const m = /\*\*(AD-\d{4}-\d{6})\*\*/.exec(textOf(r));
    expect(m, textOf(r)).to.not.equal(null);
    const id = m![1]!;
    expect(delivered(a.conversationId), 'what was polled counts as delivered').to.equal(Number(wm));

    // While tab A's stream is open, the acknowledgement arrives there: delivered.
    const stream = await Stream.open((await a.resume(wm)).streamUrl);
    await agent.submit({ verb: 'ticketAgent', caseId: id, action: 'acknowledge' });
    const ack = await stream.waitFor(
      'the acknowledgement in tab A',
      (x) => (x.text ?? '').includes(id) && (x.text ?? '').includes('telah diterima oleh meja bantuan'),
    );
    const ackWatermark = Number(ack.id.split('|')[1]);
    await waitFor('the stream to record delivery', () => ((delivered(a.conversationId) ?? 0) >= ackWatermark ? true : undefined));
    await stream.close();

    // Tab A is closed; the agent resolves: the notice and its card go to A, which nobody reads now.
    await agent.submit({ verb: 'ticketAgent', caseId: id, action: 'resolve', text: 'Pemacu token dikemas kini.' });
    await waitFor('the resolved card stored in tab A', () =>
      stored(a.conversationId).find((x) => x.body.includes('"action":"confirm"') && x.body.includes(id)),
    );
    const aLast = stored(a.conversationId).at(-1)!.watermark;
    expect(delivered(a.conversationId)).to.be.below(aLast);

    // Tab B, a new conversation: the greeting, then "while you were away", then the card.
    const b = await DirectLineUser.demo(bot.url, 'demo-applicant');
    expect(b.conversationId).to.not.equal(a.conversationId);
    await b.start();
    const hb = await b.history();
    const awayAt = hb.findIndex((x) => fromBot(x) && (x.text ?? '').includes(AWAY));
    const cardAt = hb.findIndex((x) => actionsOf(x).some((d) => d.action === 'confirm' && d.caseId === id));
    expect(awayAt, textOf(hb)).to.be.greaterThan(0);
    expect(cardAt).to.be.greaterThan(awayAt);
    expect(hb[cardAt].id.startsWith(`${b.conversationId}|`), 'a new activity of B').to.equal(true);
    expect(hb[cardAt].from.role).to.equal('bot');
    expect(textOf(hb), 'the acknowledgement tab A showed is not repeated').to.not.include('telah diterima oleh meja bantuan');
    expect(hb.filter((x) => (x.text ?? '').includes(AWAY))).to.have.length(1);
    expect(delivered(a.conversationId), 'tab A is now delivered to its end').to.equal(aLast);

    // The card works in tab B.
    const confirm = actionsOf(hb[cardAt]).find((d) => d.action === 'confirm')!;
    await b.submit(confirm);
    expect((await ticket(bot, id)).status).to.equal('DITUTUP');
    await b.history();

    // Tab C: nothing is carried again.
    const c = await DirectLineUser.demo(bot.url, 'demo-applicant');
    await c.start();
    const hc = await c.history();
    expect(hc.length).to.be.greaterThan(0);
    expect(textOf(hc)).to.not.include(AWAY);
    expect(textOf(hc)).to.not.include(id);
    expect(hc.some((x) => actionsOf(x).some((d) => d.caseId === id))).to.equal(false);
  });
});
