import { expect } from 'chai';
import { dayOf, scheduleExpiryScan } from '../../domain/usecases/expiry.js';
import { submitRevocation } from '../../domain/usecases/certificate-revoke.js';
import { askedField, cardOf, Chat, texts } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { startTestBot, TestClock, tinyPng } from '../support/bot.js';
import { issuedCertificate, startWithApplicantAndAp, stopBotAndConnector } from '../support/certs.js';
import { waitFor } from '../support/wait-for.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;
const DAY = 86_400_000;

/**
 * Expiry reminders with an injected clock: the daily scan (scheduled the way the bot schedules it
 * at start) sends a card at 30, 14 and 7 days before expiry, once each, with a one-tap renewal
 * that opens the renewal dialog for that certificate; renewed and revoked certificates get none.
 */
describe('e2e: expiry reminders (injected clock)', function () {
  this.timeout(120_000);
  let bot: Bot;
  const clock = new TestClock();
  const connector = new TestConnector();
  let owner: Chat;
  let ap: Chat;

  before(async () => {
    ({ bot, applicant: owner, ap } = await startWithApplicantAndAp(connector, {}, { clock }));
  });
  after(() => stopBotAndConnector(bot, connector));

  const reminders = () => connector.activities(owner.conversationId).filter((a) => (a.text ?? '').includes('akan tamat tempoh dalam'));
  const completedScans = async () => (await bot.core.jobs.counts('expiry')).completed;

  /** Runs the day's scan as the daily job would, and waits until it has finished. */
  async function scanToday(): Promise<void> {
    const before = await completedScans();
    await scheduleExpiryScan(bot.core);
    await waitFor('the scan to finish', async () => (await completedScans()) > before);
  }

  it('reminds at 30 and 14 days once each, not for a revoked certificate, and never twice a day', async () => {
    const { cert } = await issuedCertificate(bot, 'demo-applicant');
    const { cert: revoked } = await issuedCertificate(bot, 'demo-applicant');
    const r = await submitRevocation(bot.core, {
      actorId: 'demo-applicant',
      serial: revoked.serial,
      realm: 'user',
      choice: 'lostOrDisclosed',
    });
    expect(r.ok).to.equal(true);
    await waitFor('revocation', async () => (await bot.core.certificates.get(revoked.serial))?.status === 'DIBATALKAN');

    clock.set(new Date(Date.parse(cert.notAfter) - 29.5 * DAY));
    await scanToday();
    const first = await owner.waitForSeen('30-day reminder', (a) => (a.text ?? '').includes('dalam 30 hari'));
    const card = JSON.stringify(cardOf(first));
    expect(card).to.contain(cert.serial.toUpperCase()).and.contain('Perbaharui sekarang').and.contain('renewUserCert');
    expect((await bot.core.certificates.get(cert.serial))?.remindersSent).to.deep.equal([30]);
    expect((await bot.core.certificates.get(revoked.serial))?.remindersSent).to.equal(undefined);

    // The same day again, by the daily key (a no-op) and by a second scan job (sends nothing).
    await scheduleExpiryScan(bot.core);
    const before = await completedScans();
    await bot.core.jobs.enqueue({
      queue: 'expiry',
      name: 'scan',
      payload: { day: dayOf(clock.now()) },
      key: `expiry:scan:${dayOf(clock.now())}:rerun`,
    });
    await waitFor('the rerun to finish', async () => (await completedScans()) > before);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(reminders()).to.have.length(1);

    clock.set(new Date(Date.parse(cert.notAfter) - 13.5 * DAY));
    await scanToday();
    await owner.waitForSeen('14-day reminder', (a) => (a.text ?? '').includes('dalam 14 hari'));
    expect(reminders()).to.have.length(2);
    expect((await bot.core.certificates.get(cert.serial))?.remindersSent).to.deep.equal([30, 14]);
  });

  it('renews in one tap from the reminder, after which the certificate gets no more reminders', async () => {
    const reminder = reminders().at(-1)!;
    const button = (cardOf(reminder)!.actions as { data: Record<string, unknown> }[])[0]!.data;
    let r = await owner.submit(button);
    expect(texts(r)).to.contain('kita perbaharui sijil');
    expect(askedField(r)).to.equal('address');
    r = await owner.say('Aras 5, Blok E7, Kompleks E, 62590 Putrajaya');
    expect(askedField(r)).to.equal('mykadCopy');
    await owner.upload('mykad-baharu.png', 'image/png', tinyPng());
    await owner.say('ya');
    r = await owner.submit({ verb: 'answer', field: 'confirm', choice: 'submit' });
    const caseId = /\*\*(UC-\d{4}-\d{6})\*\*/.exec(texts(r))![1]!;
    const card = await ap.waitForSeen('renewal card', (a) => JSON.stringify(cardOf(a) ?? {}).includes(`${caseId}**`));
    await ap.submit({ verb: 'approve', caseId, version: (cardOf(card)!.actions as { data: { version: number } }[])[0]!.data.version });
    await owner.waitForSeen('renewed', (a) => (a.text ?? '').includes(`pembaharuan ${caseId}`));

    const serial = String(button.serial);
    clock.set(new Date(Date.parse((await bot.core.certificates.get(serial))!.notAfter) - 6.5 * DAY));
    await scanToday();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(reminders()).to.have.length(2);
    expect((await bot.core.certificates.get(serial))?.remindersSent).to.deep.equal([30, 14]);
  });
});
