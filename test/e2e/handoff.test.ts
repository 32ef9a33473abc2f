import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { openEmbeddedDb } from '../../infra/store/embedded/index.js';
import { SqliteAgentCredentials, SqliteHandoffRepository } from '../../infra/store/embedded/handoff-repository.js';
import { submitUserCertificate } from '../../domain/usecases/user-certificate-apply.js';
import { decideUserCertificate } from '../../domain/usecases/user-certificate-decide.js';
import { userApplication } from '../support/certs.js';
import { hashPassword } from '../../bot/handoff/console-auth.js';
import { removeDir, startTestBot, TestClock, tinyPng } from '../support/bot.js';
import { askedField, cardOf, Chat, texts } from '../support/chat.js';
import { TestConnector, type SentActivity } from '../support/connector.js';
import { AGENT_EMAIL, AGENT_NAME, AGENT_PASSWORD, ConsoleClient, setPasswordByCommand } from '../support/console.js';
import { waitFor } from '../support/wait-for.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;

const buttonsOf = (replies: SentActivity[]) =>
  replies.flatMap((a) => (cardOf(a)?.actions as { title: string; data: Record<string, unknown> }[] | undefined) ?? []);

describe('e2e: helpdesk agents take over and hand back (HTTP)', function () {
  this.timeout(90_000);
  const connector = new TestConnector();
  let bot: Bot;
  const consoles: ConsoleClient[] = [];

  before(async () => {
    await connector.start();
    bot = await startTestBot({ AGENT_HOURS: 'always', AGENT_WAIT_SECONDS: '3600' });
    const set = await setPasswordByCommand({ DATA_DIR: bot.dataDir }, AGENT_EMAIL, AGENT_PASSWORD);
    expect(set.code, set.stderr).to.equal(0);
    expect(set.stdout).to.contain(AGENT_NAME);
  });
  afterEach(() => {
    for (const c of consoles.splice(0)) c.close();
  });
  after(async () => {
    await bot?.close();
    await connector.stop();
    if (bot) removeDir(bot.dataDir);
  });

  const chat = (userId = 'demo-applicant', channelId = 'test') => new Chat({ botUrl: () => bot.url, connector, userId, channelId });
  async function agent(): Promise<ConsoleClient> {
    const c = await ConsoleClient.signIn(bot.url, AGENT_EMAIL, AGENT_PASSWORD);
    consoles.push(c);
    await c.listen();
    return c;
  }

  it('refuses console requests without a session or with a bad CSRF token, and anyone who is not an agent', async () => {
    const page = await fetch(`${bot.url}/console`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-security-policy')).to.contain("script-src 'self'").and.contain("frame-ancestors 'none'");

    const anonymous = new ConsoleClient(bot.url);
    expect((await anonymous.call('GET', '/console/api/queue')).status).to.equal(401);
    expect((await anonymous.call('POST', anonymous.conversation('c1', '/take'))).json).to.deep.equal({ error: 'NO_SESSION' });
    expect((await fetch(`${bot.url}/console/api/events`)).status).to.equal(401);

    const a = new ConsoleClient(bot.url);
    const login = await a.login(AGENT_EMAIL, AGENT_PASSWORD);
    expect(login.status).to.equal(200);
    expect((login as unknown as { setCookie: string }).setCookie).to.match(
      /^gpki_console=[^;]+; HttpOnly; SameSite=Strict; Path=\/console/,
    );
    expect((await a.call('GET', '/console/api/queue')).status).to.equal(200);
    expect(await a.call('POST', a.conversation('c1', '/take'), undefined, { csrf: false })).to.deep.equal({
      status: 403,
      json: { error: 'CSRF' },
    });
    expect(await a.call('POST', a.conversation('c1', '/take'), undefined, { csrf: `${a.csrf.slice(0, -2)}xx` })).to.deep.equal({
      status: 403,
      json: { error: 'CSRF' },
    });
    // A forged cookie is no session.
    const forged = new ConsoleClient(bot.url);
    forged.cookie = `${a.cookie.slice(0, -3)}abc`;
    expect((await forged.call('GET', '/console/api/queue')).status).to.equal(401);

    expect((await new ConsoleClient(bot.url).login(AGENT_EMAIL, 'wrong-password-123')).status).to.equal(401);
    // Guessing is cut short: after five failures for one e-mail, even the right password waits.
    await bot.core.directory.upsertPerson({
      id: 'agent-3',
      name: 'Lee Mei Ling',
      email: 'lee.meiling@mampu.gov.my',
      agencyId: 'MAMPU',
      roles: ['USER', 'HELPDESK_AGENT'],
      identities: [],
    });
    expect((await setPasswordByCommand({ DATA_DIR: bot.dataDir }, 'lee.meiling@mampu.gov.my', 'kata-laluan-lee-123')).code).to.equal(0);
    const guessed = [];
    for (let i = 0; i < 5; i++) guessed.push((await new ConsoleClient(bot.url).login('lee.meiling@mampu.gov.my', `teka-${i}`)).status);
    guessed.push((await new ConsoleClient(bot.url).login('Lee.MeiLing@mampu.gov.my', 'kata-laluan-lee-123')).status);
    expect(guessed).to.deep.equal([401, 401, 401, 401, 401, 429]);
    // The command refuses to give a password to someone without the role...
    const refused = await setPasswordByCommand({ DATA_DIR: bot.dataDir }, 'aminah@moh.gov.my', 'kata-laluan-panjang-1');
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('HELPDESK_AGENT');
    // ...and a hash that got into the store anyway does not let them in.
    const db = openEmbeddedDb(path.join(bot.dataDir, 'gpki.db'));
    try {
      await new SqliteAgentCredentials({ db }).setHash('demo-applicant', await hashPassword('kata-laluan-panjang-1'));
    } finally {
      db.close();
    }
    expect(await new ConsoleClient(bot.url).login('aminah@moh.gov.my', 'kata-laluan-panjang-1')).to.deep.include({
      status: 403,
      json: { error: 'NOT_AN_AGENT' },
    });
  });

  it('queues a user who asks for a person mid-application; the agent takes over, talks, corrects the e-mail and hands back at the same step', async () => {
    const desk = await agent();
    const user = chat();
    await user.submit({ verb: 'start', goal: 'newUserCert' });
    await user.say('900101-14-5678');
    await user.say('Aminah binti Hassan');
    let r = await user.say('aminah.lama@moh.gov.my');
    expect(askedField(r)).to.equal('phone');

    r = await user.say('nak cakap dengan orang');
    expect(texts(r)).to.contain('tempat ke-1 dalam giliran').and.contain('5 minit');
    // The question stays open: the user may carry on while waiting.
    expect(askedField(r)).to.equal('phone');
    await desk.waitForEvent('the queue change', (e) => e.type === 'queue');
    const queue = (await desk.call('GET', '/console/api/queue')).json.conversations as Record<string, any>[];
    const mine = queue.find((q) => q.record.conversationId === user.conversationId)!;
    expect(mine.record).to.deep.include({ status: 'waiting', reason: 'request', personId: 'demo-applicant' });
    expect(mine.person).to.deep.include({ name: 'Aminah binti Hassan', agency: 'Kementerian Kesihatan Malaysia', locale: 'ms' });
    expect(mine.form).to.deep.include({ asking: 'phone', mode: 'new' });
    expect(mine.form.values).to.deep.equal({ mykad: '9001******78', fullName: 'Aminah binti Hassan', email: 'aminah.lama@moh.gov.my' });

    // Nothing can be changed before taking it.
    expect((await desk.call('POST', desk.conversation(user.conversationId, '/messages'), { text: 'hai' })).json.error).to.equal(
      'NOT_OWNER',
    );
    expect((await desk.call('POST', desk.conversation(user.conversationId, '/take'))).status).to.equal(200);
    const taken = await user.waitFor('the takeover notice', (a) => (a.text ?? '').includes('kini bersama anda'));
    expect(taken.text).to.contain(`${AGENT_NAME} (Ejen Meja Bantuan)`);

    // The user's messages go to the agent; the bot stays silent.
    r = await user.say('emel saya sudah bertukar');
    expect(r).to.deep.equal([]);
    const relayed = await desk.waitForEvent(
      'the user message',
      (e) => e.type === 'message' && e.from === 'user' && e.text === 'emel saya sudah bertukar',
    );
    expect(relayed).to.deep.include({ conversationId: user.conversationId, name: 'Aminah binti Hassan' });
    expect(
      (await desk.call('POST', desk.conversation(user.conversationId, '/messages'), { text: 'Baik, saya betulkan sekarang.' })).status,
    ).to.equal(200);
    const said = await user.waitFor('the agent message', (a) => (a.text ?? '').includes('Baik, saya betulkan sekarang.'));
    expect(said.text).to.equal(`${AGENT_NAME} (Ejen Meja Bantuan): Baik, saya betulkan sekarang.`);

    // The dialog's own validation: free webmail is refused with the dialog's reason.
    const bad = await desk.call('POST', desk.conversation(user.conversationId, '/fields'), { field: 'email', value: 'aminah@gmail.com' });
    expect(bad.status).to.equal(422);
    expect(bad.json.message).to.match(/e-mel rasmi|webmail|gov\.my/i);
    expect(
      (await desk.call('POST', desk.conversation(user.conversationId, '/fields'), { field: 'mykadCopy', value: 'x' })).json.error,
    ).to.equal('FIELD_NOT_CORRECTABLE');
    const good = await desk.call('POST', desk.conversation(user.conversationId, '/fields'), { field: 'email', value: 'Aminah@MOH.gov.my' });
    expect(good.status).to.equal(200);
    expect(good.json.value.values.email).to.equal('aminah@moh.gov.my');
    expect(
      (await desk.call('POST', desk.conversation(user.conversationId, '/notes'), { text: 'E-mel lama ditukar atas permintaan pengguna' }))
        .status,
    ).to.equal(200);

    expect((await desk.call('POST', desk.conversation(user.conversationId, '/handback'))).status).to.equal(200);
    const back = await user.waitFor('the re-asked step', (a) => a.channelData?.prompt?.field === 'phone');
    const handedBack = connector.activities(user.conversationId).find((a) => (a.text ?? '').includes('menyerahkan perbualan ini semula'));
    expect(handedBack?.text).to.contain('di langkah yang sama').and.contain('E-mel rasmi: aminah@moh.gov.my').and.not.contain('email →');
    expect(back.text).to.contain('telefon');

    // The user carries on from the next step without retyping anything.
    for (const answer of ['012-345 6789', 'Kementerian Kesihatan Malaysia', 'Pegawai Teknologi Maklumat F41', 'Token', 'ePerolehan'])
      await user.say(answer);
    r = await user.upload('mykad.png', 'image/png', tinyPng());
    expect(askedField(r)).to.equal('declaration');
    r = await user.say('ya');
    expect(askedField(r)).to.equal('confirm');
    // The summary card (Markdown-escaped) shows the corrected address only.
    const summary = JSON.stringify(cardOf(r.find((a) => cardOf(a))));
    expect(summary).to.contain('aminah@moh').and.not.contain('lama');
    r = await user.submit({ verb: 'answer', field: 'confirm', choice: 'submit' });
    const caseId = /UC-\d{4}-\d{6}/.exec(texts(r))?.[0];
    expect(caseId, texts(r)).to.be.a('string');
    const stored = await bot.core.cases.get<{ email: string; mykad: string; phone: string }>(caseId!);
    expect(stored?.data).to.deep.include({ email: 'aminah@moh.gov.my', mykad: '900101145678', phone: '0123456789' });

    // The transcript holds the takeover, both sides' messages and the hand-back.
    const details = (await desk.call('GET', desk.conversation(user.conversationId))).json;
    const lines = (details.transcript as { from: string; text: string }[]).map((l) => `${l.from}: ${l.text}`);
    expect(lines).to.include('user: emel saya sudah bertukar');
    expect(lines).to.include(`bot: ${AGENT_NAME} (Ejen Meja Bantuan): Baik, saya betulkan sekarang.`);
    expect(lines.some((l) => l.includes('kini bersama anda'))).to.equal(true);
    expect(lines.some((l) => l.includes('menyerahkan perbualan ini semula'))).to.equal(true);
    expect(lines.join('\n')).to.not.contain('900101-14-5678');
    expect(details.record).to.deep.include({ status: 'closed', outcome: 'handback', agentId: 'demo-agent' });
    expect(details.record.notes.map((n: { text: string }) => n.text)).to.include('E-mel lama ditukar atas permintaan pengguna');
  });

  it('records the takeover, the messages and the hand-back on the timeline of the case being corrected', async () => {
    const desk = await agent();
    const submitted = await submitUserCertificate(bot.core, 'demo-applicant', await userApplication(bot, 'demo-applicant'));
    if (!submitted.ok) throw new Error(submitted.error);
    const returned = await decideUserCertificate(bot.core, {
      caseId: submitted.value.id,
      actorId: 'demo-ap',
      decision: 'return',
      fields: ['phone'],
      note: 'Sila beri nombor telefon pejabat',
    });
    if (!returned.ok) throw new Error(returned.error);
    const caseId = submitted.value.id;
    const user = chat();
    let r = await user.submit({ verb: 'correct', caseId, version: returned.value.version });
    expect(askedField(r)).to.equal('phone');
    r = await user.say('ejen');
    expect(texts(r)).to.contain('dalam giliran');
    await desk.waitForEvent('queue', (e) => e.type === 'queue');
    const view = (await desk.call('GET', desk.conversation(user.conversationId))).json;
    expect(view.form).to.deep.include({ caseId, mode: 'correct', asking: 'phone' });
    expect(view.cases).to.deep.include({ id: caseId, status: 'PERLU_PEMBETULAN' });
    await desk.call('POST', desk.conversation(user.conversationId, '/take'));
    await desk.call('POST', desk.conversation(user.conversationId, '/messages'), { text: 'Nombor pejabat, bukan bimbit.' });
    await user.say('baik, faham');
    await desk.call('POST', desk.conversation(user.conversationId, '/handback'));
    await user.waitFor('the re-asked phone', (a) => a.channelData?.prompt?.field === 'phone');
    const timeline = (await bot.core.cases.get(caseId))!.timeline.map((e) => [e.event, e.actorId, e.note ?? '']);
    expect(timeline.filter(([event]) => String(event).startsWith('handoff'))).to.deep.equal([
      ['handoffQueued', 'demo-applicant', ''],
      ['handoffTaken', 'demo-agent', ''],
      ['handoffMessage', 'demo-agent', 'Nombor pejabat, bukan bimbit.'],
      ['handoffMessage', 'demo-applicant', 'baik, faham'],
      ['handoffReturned', 'demo-agent', ''],
    ]);
    r = await user.say(`status ${caseId}`);
    expect(texts(r)).to.contain('Diambil alih oleh ejen meja bantuan').and.contain('Diserahkan semula kepada bot');
  });

  it('does not ask again the question the agent answered: the form moves on to the next step', async () => {
    const desk = await agent();
    const user = chat('demo-tech');
    await user.submit({ verb: 'start', goal: 'newUserCert' });
    for (const answer of ['850505-10-5555', 'Lim Wei Jie', 'lim.weijie@moh.gov.my']) await user.say(answer);
    let r = await user.say('ejen');
    expect(askedField(r)).to.equal('phone');
    await desk.waitForEvent('queue', (e) => e.type === 'queue');
    await desk.call('POST', desk.conversation(user.conversationId, '/take'));
    expect(
      (await desk.call('POST', desk.conversation(user.conversationId, '/fields'), { field: 'phone', value: '03-8888 1234' })).status,
    ).to.equal(200);
    await desk.call('POST', desk.conversation(user.conversationId, '/handback'));
    const next = await user.waitFor('the next question', (a) => !!a.channelData?.prompt);
    expect(next.channelData?.prompt?.field).to.equal('agency');
    r = await user.say('Kementerian Kesihatan Malaysia');
    expect(askedField(r)).to.equal('position');
    const view = (await desk.call('GET', desk.conversation(user.conversationId))).json;
    expect(view.form.values).to.deep.include({ phone: '0388881234', agency: 'KKM' });
  });

  it('queues the conversation after two misunderstandings in a row', async () => {
    const desk = await agent();
    const user = chat();
    let r = await user.say('asdfgh qwerty');
    expect(texts(r)).to.not.contain('giliran');
    r = await user.say('zxcv bnm');
    expect(texts(r)).to.contain('saya masih belum dapat memahami anda').and.contain('dalam giliran');
    await desk.waitForEvent('the queue change', (e) => e.type === 'queue');
    const q = (await desk.call('GET', '/console/api/queue')).json.conversations as Record<string, any>[];
    expect(q.find((x) => x.record.conversationId === user.conversationId)?.record.reason).to.equal('misunderstood');
    // A second request while waiting does not queue twice.
    r = await user.say('ejen');
    expect(texts(r)).to.contain('sudah berada dalam giliran ejen');
  });

  it('queues the conversation when a dialog fails, and the step is still there', async () => {
    const user = chat('demo-verifier');
    await user.submit({ verb: 'start', goal: 'newUserCert' });
    for (const answer of [
      '880808-08-8888',
      'Siti Nurhaliza binti Omar',
      'siti.omar@moh.gov.my',
      '0123456789',
      '1',
      'Pegawai F41',
      'softcert',
      '1',
    ])
      await user.say(answer);
    // The disk under the uploads breaks: the folder becomes a file, so storing the upload throws.
    const files = path.join(bot.dataDir, 'files');
    rmSync(files, { recursive: true, force: true });
    writeFileSync(files, 'not a folder');
    let r: SentActivity[];
    try {
      r = await user.upload('mykad.png', 'image/png', tinyPng());
    } finally {
      rmSync(files, { force: true });
      mkdirSync(files);
    }
    expect(texts(r))
      .to.contain('Maaf, berlaku ralat di pihak kami')
      .and.contain('Saya telah memanggil ejen meja bantuan')
      .and.contain('masih disimpan');
    const desk = await agent();
    const q = (await desk.call('GET', '/console/api/queue')).json.conversations as Record<string, any>[];
    const entry = q.find((x) => x.record.conversationId === user.conversationId);
    expect(entry?.record.reason).to.equal('error');
    expect(entry?.form.asking).to.equal('mykadCopy');
    // The bot still serves the user while they wait: the upload now works.
    r = await user.upload('mykad.png', 'image/png', tinyPng());
    expect(askedField(r)).to.equal('declaration');
  });

  it('relays a Teams conversation both ways, the agent as a named person, and ends back at the menu', async () => {
    const desk = await agent();
    const user = chat('demo-ap', 'msteams');
    let r = await user.say('talk to a human');
    expect(texts(r)).to.contain('dalam giliran');
    await desk.waitForEvent('queue', (e) => e.type === 'queue');
    expect((await desk.call('POST', desk.conversation(user.conversationId, '/take'))).status).to.equal(200);
    await user.waitFor('takeover', (a) => (a.text ?? '').includes('kini bersama anda'));
    r = await user.say('token saya disekat');
    expect(r).to.deep.equal([]);
    await desk.waitForEvent(
      'relayed',
      (e) =>
        e.type === 'message' && e.conversationId === user.conversationId && e.text === 'token saya disekat' && e.name === 'Rahman bin Ali',
    );
    await desk.call('POST', desk.conversation(user.conversationId, '/messages'), { text: 'Sila hubungi SA agensi anda.' });
    const msg = await user.waitFor('agent message', (a) => (a.text ?? '').includes('Sila hubungi SA'));
    expect(msg.text).to.equal(`${AGENT_NAME} (Ejen Meja Bantuan): Sila hubungi SA agensi anda.`);
    expect((msg as SentActivity & { channelData?: { agent?: { name: string } } }).channelData?.agent?.name).to.equal(AGENT_NAME);
    expect((await desk.call('POST', desk.conversation(user.conversationId, '/end'))).status).to.equal(200);
    await user.waitFor('ended', (a) => (a.text ?? '').includes('menamatkan sesi bantuan'));
    await user.waitFor('menu', (a) => !!cardOf(a));
    // The bot answers again.
    r = await user.say('menu');
    expect(r.some((a) => cardOf(a))).to.equal(true);
  });

  it('gives a conversation to one of two agents taking it at once; the other is told who has it', async () => {
    await bot.core.directory.upsertPerson({
      id: 'agent-2',
      name: 'Kavitha a/p Raman',
      email: 'kavitha@mampu.gov.my',
      agencyId: 'MAMPU',
      roles: ['USER', 'HELPDESK_AGENT'],
      identities: [],
    });
    const set = await setPasswordByCommand({ DATA_DIR: bot.dataDir }, 'kavitha@mampu.gov.my', 'kata-laluan-kavitha-1');
    expect(set.code, set.stderr).to.equal(0);
    const one = await agent();
    const two = await ConsoleClient.signIn(bot.url, 'kavitha@mampu.gov.my', 'kata-laluan-kavitha-1');
    const user = chat('demo-lead');
    await user.say('ejen');
    const [a, b] = await Promise.all([one, two].map((c) => c.call('POST', c.conversation(user.conversationId, '/take'))));
    const answers = [a, b].sort((x, y) => x.status - y.status);
    expect(answers.map((x) => x.status)).to.deep.equal([200, 409]);
    const winner = answers[0].json.value.agentId === 'demo-agent' ? AGENT_NAME : 'Kavitha a/p Raman';
    expect(answers[1].json).to.deep.equal({ error: 'TAKEN', by: winner });
    const takeovers = await waitFor('one takeover notice', () =>
      connector.activities(user.conversationId).filter((x) => (x.text ?? '').includes('kini bersama anda')),
    );
    expect(takeovers).to.have.length(1);
    expect(takeovers[0].text).to.contain(winner);
  });
});

describe('e2e: agents outside working hours and a queue nobody takes', function () {
  this.timeout(60_000);
  const connector = new TestConnector();
  let bot: Bot;
  // Sunday 10:00 in Malaysia.
  const clock = new TestClock(new Date('2026-11-29T02:00:00.000Z'));

  before(async () => {
    await connector.start();
    bot = await startTestBot({ AGENT_HOURS: 'Mon-Fri 08:00-17:00 +08:00', AGENT_WAIT_SECONDS: '1' }, undefined, { clock });
  });
  after(async () => {
    await bot?.close();
    await connector.stop();
    if (bot) removeDir(bot.dataDir);
  });

  it('offers a complaint ticket outside working hours, and when no agent takes the conversation in time', async () => {
    const user = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-applicant' });
    let r = await user.say('ejen');
    expect(texts(r)).to.contain('Isnin hingga Jumaat, 08:00 – 17:00').and.contain('tiket aduan');
    expect(buttonsOf(r)).to.deep.equal([
      { type: 'Action.Submit', title: 'Buka tiket aduan', data: { verb: 'suggest', intent: 'complaint' } },
    ]);

    clock.set(new Date('2026-11-30T02:00:00.000Z')); // Monday 10:00 in Malaysia
    r = await user.say('ejen');
    expect(texts(r)).to.contain('tempat ke-1 dalam giliran');
    const offer = await user.waitFor('the timeout offer', (a) => (a.text ?? '').includes('tiada ejen yang dapat mengambil'));
    expect(buttonsOf([offer]).map((b) => b.data)).to.deep.equal([{ verb: 'suggest', intent: 'complaint' }]);
    const db = openEmbeddedDb(path.join(bot.dataDir, 'gpki.db'));
    try {
      expect(await new SqliteHandoffRepository({ db }).get(user.conversationId)).to.deep.include({ status: 'closed', outcome: 'timeout' });
    } finally {
      db.close();
    }
    // The ticket button starts the complaint dialog, asking for the category first.
    r = await user.submit({ verb: 'suggest', intent: 'complaint' });
    expect(texts(r)).to.contain('mari kita rekodkan masalah anda');
    expect(askedField(r)).to.equal('category');
  });
});
