import path from 'node:path';
import { expect } from 'chai';
import { FORM_FIELDS } from '../../domain/cases/forms.js';
import { lodgeComplaint } from '../../domain/usecases/complaint.js';
import { openEmbeddedDb } from '../../infra/store/embedded/index.js';
import { SqliteSavedReplies } from '../../infra/store/embedded/saved-replies.js';
import { removeDir, startTestBot, TestClock } from '../support/bot.js';
import { askedField, Chat } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { AGENT_EMAIL, AGENT_NAME, AGENT_PASSWORD, ConsoleClient, setPasswordByCommand } from '../support/console.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;
const MINUTE = 60_000;
const SECOND = { id: 'agent-workday-2', name: 'Kavitha a/p Raman', email: 'kavitha@mampu.gov.my', password: 'kata-laluan-kavitha-1' };
const CODES = new Set<string>([...FORM_FIELDS, 'request', 'misunderstood', 'error', 'waiting', 'taken', 'AD', 'UC', 'BARU', 'ms', 'en']);

/** Every string shown from a value (labels in both languages; the `field` key is data for the page, not shown). */
const wordsOf = (v: unknown): string[] =>
  typeof v === 'string'
    ? [v]
    : Array.isArray(v)
      ? v.flatMap(wordsOf)
      : v && typeof v === 'object'
        ? Object.entries(v).flatMap(([k, x]) => (k === 'field' ? [] : wordsOf(x)))
        : [];

/**
 * The agent console over HTTP for a working day: everything the server words comes in both
 * console languages from the catalogs (no field or status code), the person's open cases, the
 * waiting time on the injected clock, a multi-line reply that reaches the person as written, and
 * the helpdesk's saved replies in the store with who changed them and when.
 */
describe('e2e: the agent console for a working day (HTTP)', function () {
  this.timeout(120_000);
  const connector = new TestConnector();
  const clock = new TestClock(new Date('2026-12-07T02:00:00Z'));
  let bot: Bot;
  const consoles: ConsoleClient[] = [];

  before(async () => {
    await connector.start();
    bot = await startTestBot({ AGENT_HOURS: 'always', AGENT_WAIT_SECONDS: '3600' }, undefined, { clock });
    await bot.core.directory.upsertPerson({
      id: SECOND.id,
      name: SECOND.name,
      email: SECOND.email,
      agencyId: 'MAMPU',
      roles: ['USER', 'HELPDESK_AGENT'],
      identities: [],
    });
    for (const [email, password] of [
      [AGENT_EMAIL, AGENT_PASSWORD],
      [SECOND.email, SECOND.password],
    ]) {
      const set = await setPasswordByCommand({ DATA_DIR: bot.dataDir }, email, password);
      expect(set.code, set.stderr).to.equal(0);
    }
  });
  afterEach(() => {
    for (const c of consoles.splice(0)) c.close();
  });
  after(async () => {
    await bot?.close();
    await connector.stop();
    if (bot) removeDir(bot.dataDir);
  });

  async function desk(email = AGENT_EMAIL, password = AGENT_PASSWORD): Promise<ConsoleClient> {
    const c = await ConsoleClient.signIn(bot.url, email, password);
    consoles.push(c);
    await c.listen();
    return c;
  }

  it('words the queue, the request in progress, the notes and the open cases from the catalogs, in both languages, and sends a multi-line reply as written', async () => {
    const agent = await desk();
    const me = (await agent.call('GET', '/console/api/me')).json;
    const email = (me.fieldChoices as { field: string; label: Record<string, string> }[]).find((f) => f.field === 'email');
    expect(email?.label).to.deep.equal({ ms: 'E-mel rasmi', en: 'Official e-mail' });
    expect(wordsOf((me.fieldChoices as { label: unknown }[]).map((f) => f.label)).filter((w) => CODES.has(w))).to.deep.equal([]);

    const lodged = await lodgeComplaint(bot.hd, {
      actorId: 'demo-applicant',
      category: 'token',
      application: 'ePerolehan',
      description: 'Token tidak dikesan.',
    });
    if (!lodged.ok) throw new Error(lodged.error);
    const ticketId = lodged.value.id;

    const user = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-applicant' });
    await user.submit({ verb: 'start', goal: 'newUserCert' });
    await user.say('900101-14-5678');
    await user.say('Aminah binti Hassan');
    expect(askedField(await user.say('aminah.lama@moh.gov.my'))).to.equal('phone');
    await user.say('nak cakap dengan orang');
    clock.set(new Date(clock.now().getTime() + 7 * MINUTE + 20_000));

    const queue = (await agent.call('GET', '/console/api/queue')).json.conversations as Record<string, any>[];
    const entry = queue.find((q) => q.record.conversationId === user.conversationId)!;
    expect(Math.floor(entry.waitingSeconds / 60)).to.equal(7);
    expect(entry.shown.reason).to.deep.equal({ ms: 'Pengguna meminta ejen', en: 'The user asked for an agent' });
    expect(entry.shown.status).to.deep.equal({ ms: 'Menunggu', en: 'Waiting' });
    expect(entry.shown.locale).to.deep.equal({ ms: 'Bahasa Melayu', en: 'Malay' });
    expect(entry.shown.form.asking).to.deep.equal({ ms: 'Telefon', en: 'Phone' });
    const fields = entry.shown.form.fields as { field: string; label: Record<string, string>; value: Record<string, string> }[];
    expect(fields.map((f) => [f.label.ms, f.label.en, f.value.ms])).to.deep.equal([
      ['No. MyKad', 'MyKad no.', '9001******78'],
      ['Nama penuh', 'Full name', 'Aminah binti Hassan'],
      ['E-mel rasmi', 'Official e-mail', 'aminah.lama@moh.gov.my'],
    ]);
    expect(wordsOf(entry.shown).filter((w) => CODES.has(w))).to.deep.equal([]);
    expect(entry.openCases).to.deep.include({
      id: ticketId,
      kind: 'AD',
      kindLabel: { ms: 'Tiket aduan', en: 'Complaint ticket' },
      status: 'BARU',
      statusLabel: { ms: 'Baharu', en: 'New' },
      updatedAt: lodged.value.updatedAt,
    });

    expect((await agent.call('POST', agent.conversation(user.conversationId, '/take'))).status).to.equal(200);
    const taken = (await agent.call('GET', '/console/api/queue')).json.conversations.find(
      (q: any) => q.record.conversationId === user.conversationId,
    );
    expect(taken.shown.status).to.deep.equal({ ms: `Diambil oleh ${AGENT_NAME}`, en: `Taken by ${AGENT_NAME}` });

    // The dialog's own refusal, in the language the console shows.
    const bad = await agent.call('POST', agent.conversation(user.conversationId, '/fields'), {
      field: 'email',
      value: 'aminah@gmail.com',
      lang: 'en',
    });
    expect(bad.status).to.equal(422);
    expect(bad.json.message)
      .to.match(/official|e-mail|gov\.my/i)
      .and.not.match(/sila|rasmi/i);
    expect(
      (
        await agent.call('POST', agent.conversation(user.conversationId, '/fields'), {
          field: 'email',
          value: 'aminah@moh.gov.my',
          lang: 'ms',
        })
      ).status,
    ).to.equal(200);

    // A reply of several lines reaches the person with its line breaks.
    const said = await agent.call('POST', agent.conversation(user.conversationId, '/messages'), {
      text: 'Baik, langkah seterusnya:\n1. Cabut token\n2. Cucuk semula\r\n',
    });
    expect(said.status).to.equal(200);
    const received = await user.waitFor('the multi-line reply', (a) => (a.text ?? '').includes('Cabut token'));
    expect(received.text).to.equal(`${AGENT_NAME} (Ejen Meja Bantuan): Baik, langkah seterusnya:\n1. Cabut token\n2. Cucuk semula`);

    const view = (await agent.call('GET', agent.conversation(user.conversationId))).json;
    expect(view.shown.notes.map((n: any) => n.text)).to.deep.include({
      ms: 'E-mel rasmi dibetulkan: aminah@moh.gov.my',
      en: 'Official e-mail corrected: aminah@moh.gov.my',
    });
    expect(view.shown.form.fields.find((f: any) => f.field === 'email').value.en).to.equal('aminah@moh.gov.my');
    const agentLine = (view.transcript as any[]).find((l) => l.text.includes('Cabut token'));
    expect(agentLine).to.deep.include({ from: 'bot', name: AGENT_NAME });
    expect(agentLine.text).to.contain('\n1. Cabut token\n2. Cucuk semula');
    expect((view.transcript as any[]).find((l) => l.text === 'nak cakap dengan orang')).to.deep.include({
      from: 'user',
      name: 'Aminah binti Hassan',
    });

    // The ticket's detail lists the same open cases and when the person last acted on it.
    const t = (await agent.call('GET', `/console/api/tickets/${ticketId}`)).json;
    expect(t.openCases.map((c: any) => c.id)).to.include(ticketId);
    expect(t.personActivity).to.deep.equal([lodged.value.createdAt]);
    expect((await agent.call('POST', agent.conversation(user.conversationId, '/end'))).status).to.equal(200);
  });

  it('keeps saved replies in the store: any agent adds, edits and deletes them, invalid input is refused with a code, and who and when are kept', async () => {
    const anonymous = new ConsoleClient(bot.url);
    expect(await anonymous.call('GET', '/console/api/replies')).to.deep.equal({ status: 401, json: { error: 'NO_SESSION' } });
    const nurul = await desk();
    const kavitha = await desk(SECOND.email, SECOND.password);
    const nurulId = (await nurul.call('GET', '/console/api/me')).json.agent.id as string;
    expect(await nurul.call('POST', '/console/api/replies', { title: 'X', text: 'Y', locale: 'ms' }, { csrf: false })).to.deep.equal({
      status: 403,
      json: { error: 'CSRF' },
    });

    const refused = async (body: unknown) => {
      const r = await nurul.call('POST', '/console/api/replies', body);
      expect(r.status).to.equal(400);
      return r.json;
    };
    expect((await refused({ title: '  ', text: 'Teks', locale: 'ms' })).error).to.equal('TITLE_REQUIRED');
    expect((await refused({ title: 'T'.repeat(81), text: 'Teks', locale: 'ms' })).error).to.equal('TITLE_TOO_LONG');
    expect((await refused({ title: 'Tajuk', text: '', locale: 'ms' })).error).to.equal('TEXT_REQUIRED');
    const long = await refused({ title: 'Tajuk', text: 'x'.repeat(2001), locale: 'ms' });
    expect(long).to.deep.equal({
      error: 'TEXT_TOO_LONG',
      message: { ms: 'Teks terlalu panjang (had 2000 aksara).', en: 'The text is too long (at most 2000 characters).' },
    });
    expect((await refused({ title: 'Tajuk', text: 'Teks', locale: 'zh' })).error).to.equal('LOCALE_INVALID');
    expect((await nurul.call('GET', '/console/api/replies')).json.replies).to.deep.equal([]);

    const created = await nurul.call('POST', '/console/api/replies', {
      title: ' Token tidak dikesan ',
      text: 'Sila cuba:\n1. Port USB lain\n2. Mulakan semula\n',
      locale: 'ms',
    });
    expect(created.status).to.equal(201);
    const id = created.json.reply.id as string;
    expect(created.json.reply).to.deep.include({
      title: 'Token tidak dikesan',
      text: 'Sila cuba:\n1. Port USB lain\n2. Mulakan semula',
      locale: 'ms',
      createdBy: nurulId,
      updatedBy: nurulId,
      createdAt: clock.now().toISOString(),
    });
    // Another agent (another browser, any instance) sees it and edits it.
    clock.set(new Date(clock.now().getTime() + 3 * MINUTE));
    expect((await kavitha.call('GET', '/console/api/replies')).json.replies.map((r: any) => r.id)).to.deep.equal([id]);
    const edited = await kavitha.call('PUT', `/console/api/replies/${id}`, {
      title: 'Token not detected',
      text: 'Please try another USB port.',
      locale: 'en',
    });
    expect(edited.status).to.equal(200);
    expect(edited.json.message.en).to.equal('Saved reply "Token not detected" stored.');
    expect((await kavitha.call('PUT', '/console/api/replies/tiada', { title: 'A', text: 'B', locale: 'en' })).json.error).to.equal(
      'NOT_FOUND',
    );

    const db = openEmbeddedDb(path.join(bot.dataDir, 'gpki.db'));
    try {
      const stored = await new SqliteSavedReplies({ db }).get(id);
      expect(stored).to.deep.include({
        title: 'Token not detected',
        text: 'Please try another USB port.',
        locale: 'en',
        createdBy: nurulId,
        updatedBy: SECOND.id,
        updatedAt: clock.now().toISOString(),
      });
    } finally {
      db.close();
    }

    expect((await nurul.call('DELETE', `/console/api/replies/${id}`)).status).to.equal(200);
    expect(await nurul.call('DELETE', `/console/api/replies/${id}`)).to.deep.include({ status: 404 });
    expect((await kavitha.call('GET', '/console/api/replies')).json.replies).to.deep.equal([]);
  });
});
