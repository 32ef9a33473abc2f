import { expect } from 'chai';
import { askedField, cardOf, Chat, promptOf, texts } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { removeDir, startTestBot } from '../support/bot.js';
import { esc } from '../../ui/cards/adaptive.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;
type CardAction = { type: string; title: string; data: Record<string, unknown> };

/**
 * Typed requests over HTTP, in Malay, English and a mix of both: each lands where it should,
 * entities fill what they can, and unsure or unknown text gets suggestions, then a person.
 */
describe('e2e: understanding what users type (embedded, open mode)', function () {
  this.timeout(60_000);
  let bot: Bot;
  const connector = new TestConnector();
  let n = 0;
  // A fresh person per test: the misunderstanding count and the language are per conversation/person.
  const chat = (userId = `nlu-user-${++n}`) => new Chat({ botUrl: () => bot.url, connector, userId });
  const actionsOf = (replies: Awaited<ReturnType<Chat['say']>>): CardAction[] =>
    replies.flatMap((a) => (cardOf(a)?.actions ?? []) as CardAction[]);
  /**
   * Says a request that opens a case. The bot begins it at once when sure (bot/nlu/policy.ts), or
   * first asks which operation is meant: then `intent` must be offered first, and picking it begins it.
   */
  const begin = async (c: Chat, text: string, intent: string) => {
    const r = await c.say(text);
    if (askedField(r) !== 'intent') return r;
    expect(promptOf(r)?.channelData?.prompt?.choices?.[0]?.value, text).to.equal(intent);
    return c.say('1');
  };

  before(async () => {
    await connector.start();
    // Agents always on duty, so the second misunderstanding queues the conversation at any hour.
    bot = await startTestBot({ AGENT_HOURS: 'always' });
  });
  after(async () => {
    await bot?.close();
    await connector.stop();
    if (bot) removeDir(bot.dataDir);
  });

  it('begins the application from chat Malay, asking for the MyKad number first', async () => {
    const c = chat();
    const r = await begin(c, 'sy nk mohon sijil digital baru', 'apply_user_cert');
    expect(askedField(r)).to.equal('mykad');
    expect(texts(await c.say('batal'))).to.contain('permohonan dibatalkan');
  });

  it('pre-fills the e-mail given in English and never asks for it', async () => {
    const c = chat();
    let r = await begin(c, 'apply new cert for ali@moh.gov.my', 'apply_user_cert');
    expect(texts(r)).to.contain(esc('ali@moh.gov.my'));
    expect(askedField(r)).to.equal('mykad');
    r = await c.say('900101-14-5678');
    expect(askedField(r)).to.equal('fullName');
    r = await c.say('Ali bin Abu');
    expect(askedField(r)).to.equal('phone');
    await c.say('batal');
  });

  it('pre-fills a MyKad number from the message and shows it only masked', async () => {
    const c = chat();
    const r = await begin(c, 'nak memohon sijil digital, no ic sy 900101-14-5678', 'apply_user_cert');
    expect(askedField(r)).to.equal('fullName');
    expect(texts(r)).to.contain('9001******78').and.not.contain('900101145678').and.not.contain('900101-14-5678');
    await c.say('batal');
  });

  it('goes straight to the case named in a status question, with or without the command word', async () => {
    const userId = 'demo-applicant';
    const created = await bot.core.cases.create({
      kind: 'UC',
      status: 'MENUNGGU_PENGESAHAN_AP',
      applicantId: userId,
      agencyId: 'KKM',
      data: {},
      timeline: [{ at: new Date().toISOString(), event: 'submitted', actorId: userId }],
    });
    const c = chat(userId);
    let r = await c.say(`status ${created.id} dah lulus ke?`);
    expect(texts(r)).to.contain(created.id).and.contain('Menunggu pengesahan AP');
    r = await c.say(`permohonan ${created.id.toLowerCase()} dah lulus ke belum`);
    expect(texts(r)).to.contain(created.id).and.contain('Menunggu pengesahan AP');
    r = await c.say('dah sampai mana permohonan saya?');
    expect(texts(r)).to.contain('Permohonan anda').and.contain(created.id);
  });

  it('begins the replacement dialog for a lost token, which finds no certificate for a new user', async () => {
    const r = await begin(chat(), 'token hilang mcm mana nak ganti?', 'replace_user_cert');
    expect(texts(r)).to.contain('Tiada sijil sah yang boleh diganti').and.not.contain('belum tersedia dalam sembang ini');
    expect(askedField(r)).to.equal(undefined);
  });

  it('begins the advisory request and the complaint dialogs from typed requests', async () => {
    let r = await begin(chat(), 'saya nak mohon khidmat nasihat untuk projek GPKI agensi', 'advisory_request');
    expect(texts(r)).to.contain('mohon sesi khidmat nasihat').and.not.contain('belum tersedia dalam sembang ini');
    expect(askedField(r)).to.equal('topic');
    r = await begin(chat(), 'kod pengesahan tak masuk emel saya dari semalam', 'complaint');
    expect(askedField(r)).to.equal('category');
  });

  it('begins a new server-certificate application from a typed request', async () => {
    const r = await begin(chat(), 'permohonan sijil digital pelayan untuk sistem e-tanah', 'apply_server_cert');
    expect(texts(r)).to.not.contain('belum tersedia dalam sembang ini');
    expect(texts(r)).to.contain('Jenis sijil pelayan yang diperlukan?');
  });

  it('answers in English once the user asks for it in a sentence', async () => {
    const c = chat();
    let r = await c.say('boleh cakap english?');
    expect(texts(r)).to.contain('I will continue in English');
    r = await begin(c, 'our ssl cert for portal.moh.gov.my expires next month, need to renew', 'renew_server_cert');
    // Server-certificate renewal is served: this user holds none, and is told so in English.
    expect(texts(r)).to.contain('You hold no valid server certificate');
    await c.say('Bahasa Melayu');
  });

  it('declines gibberish politely and queues the conversation for a person after two misunderstandings in a row', async () => {
    const c = chat();
    let r = await c.say('asdfgh qwerty');
    expect(texts(r)).to.contain('hanya boleh membantu urusan Sijil Digital MyGPKI').and.not.contain('ejen');
    expect(r.some((a) => cardOf(a))).to.equal(true);
    r = await c.say('zxcv bnm');
    expect(texts(r)).to.contain('saya masih belum dapat memahami anda').and.contain('tempat ke-1 dalam giliran');
    // Understanding something resets the count.
    expect(texts(await c.say('apa yang awak boleh buat?'))).to.contain('Arahan yang boleh digunakan');
    r = await c.say('lkjhg');
    expect(texts(r)).to.not.contain('ejen');
  });

  it('offers suggestions when unsure, and a click starts the chosen goal', async () => {
    const c = chat();
    const r = await c.say('sijil');
    expect(texts(r)).to.contain('Adakah salah satu daripada ini?');
    // The guesses are a question (field `intent`), "none of these" last; no dialog has begun.
    expect(askedField(r)).to.equal('intent');
    const buttons = actionsOf(r);
    expect(buttons.length).to.be.within(3, 4);
    expect(buttons.every((b) => b.type === 'Action.Submit' && b.data.verb === 'suggest')).to.equal(true);
    expect(buttons.at(-1)).to.include({ title: 'Bukan semua ini' });
    const apply = buttons.find((b) => b.data.intent === 'apply_user_cert');
    expect(apply?.title).to.equal('Mohon Sijil Digital Pengguna baharu');
    const started = await c.submit(apply!.data);
    expect(askedField(started)).to.equal('mykad');
    await c.say('batal');
  });

  it('refuses a forged suggestion payload', async () => {
    const r = await chat().submit({ verb: 'suggest', intent: 'launch_missiles' });
    expect(texts(r)).to.contain('Kad ini tidak sah');
  });
});
