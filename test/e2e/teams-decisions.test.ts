import { expect } from 'chai';
import type { Case } from '../../domain/cases/case.js';
import { requestAdvisory } from '../../domain/usecases/advisory.js';
import { TestClock } from '../support/bot.js';
import { stopBotAndConnector } from '../support/certs.js';
import { cardOf, Chat, texts } from '../support/chat.js';
import { TestConnector, type SentActivity } from '../support/connector.js';
import { lodgeViaChat, MONDAY_0900, noticeMatch, startHelpdeskBot, type HelpdeskBot, type HelpdeskPerson } from '../support/helpdesk.js';
import { OpensslCsrs } from '../support/openssl-csr.js';
import { applyForServerCert, DOMAINS, hasCase, openCsrTask, versionOn, type People } from '../support/server-flow.js';
import { executeAction } from '../support/teams.js';
import { waitFor } from '../support/wait-for.js';

type CardAction = { type: string; verb: string; title: string; data: Record<string, unknown> };
type TeamsCard = { actions: CardAction[]; refresh?: { action: { verb: string; data: Record<string, unknown> }; userIds: string[] } };
const ALREADY = 'Keputusan telah dibuat sebelum ini';

/**
 * The server-certificate and helpdesk decision cards in Teams, like the AP cards: Universal
 * Actions that refresh for every officer who may decide; after one lead officer decides, the
 * other's card shows who decided what and when, and their click on the stale card decides nothing.
 * Web Chat keeps Action.Submit with the same checks.
 */
describe('e2e: Teams decision cards for server certificates and the helpdesk', function () {
  this.timeout(180_000);
  let bot: HelpdeskBot;
  let chat: Record<HelpdeskPerson, Chat>;
  const connector = new TestConnector();
  const clock = new TestClock(MONDAY_0900);
  const csrs = new OpensslCsrs();
  // Two lead-agency officers in Teams: the seeded one and a second with a Teams (AAD) id.
  let lead1: Chat;
  let lead2: Chat;

  before(async () => {
    ({ bot, chat } = await startHelpdeskBot(connector, clock));
    await bot.core.directory.upsertPerson({
      id: 'lead-2',
      name: 'Aisyah binti Kamal',
      email: 'aisyah.kamal@mampu.gov.my',
      agencyId: 'MAMPU',
      roles: ['USER', 'LEAD_AGENCY'],
      identities: [{ channelId: 'msteams', userId: '29:lead-2' }],
      locale: 'ms',
    });
    lead1 = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-lead', channelId: 'msteams' });
    lead2 = new Chat({ botUrl: () => bot.url, connector, userId: '29:lead-2', channelId: 'msteams' });
    // Their latest conversations are now in Teams, so their notices arrive there.
    await lead1.say('hai');
    await lead2.say('hai');
  });
  after(async () => {
    await stopBotAndConnector(bot, connector);
    csrs.remove();
  });

  const invoke = (who: Chat, userId: string, replyToId: string | undefined, verb: string, data: Record<string, unknown>) =>
    executeAction({ botUrl: bot.url, connector, userId, conversationId: who.conversationId, replyToId }, verb, data);
  const json = (x: unknown) => JSON.stringify(x);
  const snapshot = async (id: string) => {
    const c = (await bot.core.cases.get(id)) as Case<unknown>;
    return { version: c.version, status: c.status, timeline: c.timeline.length };
  };

  /** The card of `caseId` a lead officer got, with its Universal Actions and refresh checked. */
  async function teamsCardOf(
    who: Chat,
    match: (a: SentActivity) => boolean,
    verb: string,
  ): Promise<{ sent: SentActivity; card: TeamsCard }> {
    const sent = await who.waitForSeen(`${verb} card`, match);
    const card = cardOf(sent) as unknown as TeamsCard;
    expect(card.actions.map((a) => a.type)).to.deep.equal(card.actions.map(() => 'Action.Execute'));
    expect(card.actions.map((a) => a.verb)).to.deep.equal(card.actions.map(() => verb));
    expect(card.refresh?.action.verb).to.equal('refreshApproval');
    expect(card.refresh?.userIds).to.include.members(['demo-lead', '29:lead-2']);
    return { sent, card };
  }

  it('server certificate: the first lead approves in Teams, the second sees who did and cannot decide again', async () => {
    const p: People = {
      applicant: chat['demo-applicant'],
      tech: chat['demo-tech'],
      verifier: new Chat({ botUrl: () => bot.url, connector, userId: 'demo-verifier' }),
      lead: lead1,
    };
    await p.verifier.say('hai');
    const caseId = await applyForServerCert(p);
    await openCsrTask(p, caseId);
    const r = await p.tech.say((await csrs.csr({ cn: DOMAINS[0]!, san: DOMAINS.map((d) => `DNS:${d}`) })).toString());
    expect(texts(r)).to.contain(`CSR bagi **${caseId}** lulus semua semakan`);

    // The verifying officer is in Web Chat: Action.Submit, no refresh, the same checks as before.
    const endorse = await p.verifier.waitFor(
      'endorse card',
      (a) => hasCase(caseId)(a) && json(cardOf(a) ?? {}).includes('"decision":"endorse"'),
    );
    const endorseCard = cardOf(endorse) as unknown as TeamsCard;
    expect(endorseCard.actions.map((a) => a.type)).to.deep.equal(['Action.Submit', 'Action.Submit', 'Action.Submit']);
    expect(endorseCard.refresh).to.equal(undefined);
    expect(texts(await p.verifier.submit({ verb: 'serverDecide', decision: 'endorse', caseId, version: versionOn(endorse) }))).to.contain(
      `Anda telah memperakukan ${caseId}`,
    );

    // Both lead officers get the approval card in Teams, refreshing for every lead officer (not the verifier).
    const isApproval = (a: SentActivity) => hasCase(caseId)(a) && json(cardOf(a) ?? {}).includes('"decision":"approve"');
    const one = await teamsCardOf(lead1, isApproval, 'serverDecide');
    const two = await teamsCardOf(lead2, isApproval, 'serverDecide');
    expect(one.card.refresh?.userIds).not.to.include('demo-verifier');
    expect(one.card.actions.map((a) => a.data.decision)).to.deep.equal(['approve', 'reject']);

    // Before anyone decides, the second officer's refresh shows the approval card again.
    let res = await invoke(lead2, '29:lead-2', two.sent.id, 'refreshApproval', { caseId });
    expect(json(res.value)).to.contain('"verb":"serverDecide"').and.contain(caseId);

    // The first approves: the answer is the outcome card, which replaced the card in their chat.
    res = await invoke(lead1, 'demo-lead', one.sent.id, 'serverDecide', one.card.actions[0]!.data);
    expect(res.type).to.equal('application/vnd.microsoft.card.adaptive');
    expect(json(res.value)).to.contain('Diluluskan oleh agensi peneraju (Farid bin Ismail) pada').and.not.contain('"verb":"serverDecide"');
    const replaced = connector.activities(lead1.conversationId).find((a) => a.id === one.sent.id);
    expect(replaced?.updated).to.equal(1);
    expect(json(cardOf(replaced))).to.contain('Farid bin Ismail');
    // The CA issues it (a job); then nothing moves the case any more.
    await waitFor('the certificate issued', async () => ((await bot.core.cases.get(caseId))?.status === 'DIKELUARKAN' ? true : undefined), {
      timeoutMs: 30_000,
    });
    const afterApproval = await snapshot(caseId);
    expect((await bot.core.cases.get(caseId))?.timeline.filter((e) => e.event === 'leadApproved').map((e) => e.actorId)).to.deep.equal([
      'demo-lead',
    ]);

    // The second officer's card refreshes to the outcome, naming the first.
    res = await invoke(lead2, '29:lead-2', two.sent.id, 'refreshApproval', { caseId });
    expect(json(res.value)).to.contain('Diluluskan oleh agensi peneraju (Farid bin Ismail) pada').and.not.contain('"verb":"serverDecide"');
    expect(json(res.value)).not.to.contain(ALREADY);

    // Their click on the stale card (a rejection with a note) returns the outcome, "already decided"; nothing changes.
    res = await invoke(lead2, '29:lead-2', two.sent.id, 'serverDecide', { ...two.card.actions[1]!.data, note: 'Tidak perlu' });
    expect(res.type).to.equal('application/vnd.microsoft.card.adaptive');
    expect(json(res.value)).to.contain('Farid bin Ismail').and.contain(ALREADY);
    const now = await snapshot(caseId);
    expect(now.version).to.equal(afterApproval.version);
    expect(now.timeline).to.equal(afterApproval.timeline);
    expect((await bot.core.cases.get(caseId))?.timeline.some((e) => e.event === 'rejected')).to.equal(false);

    // A forged payload gets a message, not a decision.
    res = await invoke(lead2, '29:lead-2', two.sent.id, 'serverDecide', { decision: 'approve', caseId: 'bogus', version: 1 });
    expect(res.type).to.equal('application/vnd.microsoft.activity.message');
  });

  it('on-site approval: the first lead approves in Teams, the second sees who did and cannot decide again', async () => {
    const id = await lodgeViaChat(chat['demo-applicant']);
    await chat['demo-agent'].submit({ verb: 'ticketAgent', caseId: id, action: 'acknowledge' });
    await chat['demo-agent'].submit({
      verb: 'ticketAgent',
      caseId: id,
      action: 'escalate',
      text: 'Pemacu dipasang semula dan token dicuba pada dua komputer.',
    });
    expect((await bot.core.cases.get(id))?.status).to.equal('MOHON_KELULUSAN_TAPAK');

    const isApproval = (a: SentActivity) => noticeMatch(id, 'menunggu kelulusan anda')(a) && json(cardOf(a) ?? {}).includes('onsiteDecide');
    const one = await teamsCardOf(lead1, isApproval, 'onsiteDecide');
    const two = await teamsCardOf(lead2, isApproval, 'onsiteDecide');
    expect(json(one.card)).to.contain('dua komputer');

    let res = await invoke(lead2, '29:lead-2', two.sent.id, 'refreshApproval', { caseId: id });
    expect(json(res.value)).to.contain('"verb":"onsiteDecide"');

    res = await invoke(lead1, 'demo-lead', one.sent.id, 'onsiteDecide', one.card.actions[0]!.data);
    expect(res.type).to.equal('application/vnd.microsoft.card.adaptive');
    expect(json(res.value)).to.contain('Sokongan di lokasi diluluskan oleh Farid bin Ismail pada').and.contain('14/12/2026 12:00');
    expect(json(res.value)).not.to.contain('"verb":"onsiteDecide"');
    expect(connector.activities(lead1.conversationId).find((a) => a.id === one.sent.id)?.updated).to.equal(1);
    const afterApproval = await snapshot(id);
    expect(afterApproval.status).to.equal('LULUS_TAPAK');

    res = await invoke(lead2, '29:lead-2', two.sent.id, 'refreshApproval', { caseId: id });
    expect(json(res.value)).to.contain('Sokongan di lokasi diluluskan oleh Farid bin Ismail pada').and.not.contain('"verb":"onsiteDecide"');

    res = await invoke(lead2, '29:lead-2', two.sent.id, 'onsiteDecide', {
      ...two.card.actions[1]!.data,
      reason: 'Boleh diselesaikan dalam talian',
    });
    expect(json(res.value)).to.contain('Farid bin Ismail').and.contain(ALREADY);
    const now = await snapshot(id);
    expect(now).to.deep.equal(afterApproval);

    // Someone with no part in it (a technical officer) gets no outcome card from a refresh.
    res = await invoke(
      new Chat({ botUrl: () => bot.url, connector, userId: 'demo-tech', channelId: 'msteams' }),
      'demo-tech',
      undefined,
      'refreshApproval',
      { caseId: id },
    );
    expect(res.type).to.equal('application/vnd.microsoft.activity.message');
  });

  it('advisory request: the first lead accepts in Teams, the second sees who did and cannot decide again', async () => {
    const r = await requestAdvisory(bot.hd, {
      actorId: 'demo-applicant',
      topic: 'Tandatangan digital dalam aliran kerja',
      description: 'Agensi merancang menggunakan tandatangan digital untuk kelulusan dalaman.',
      systems: 'eSPKB',
      mode: 'online',
      attendees: 'Pengarah ICT',
      preferredDates: [new Date('2026-12-15T00:00:00.000Z'), new Date('2026-12-17T00:00:00.000Z')],
    });
    if (!r.ok) throw new Error(r.error);
    const id = r.value.id;
    const isRequest = (a: SentActivity) =>
      noticeMatch(id, 'Permohonan khidmat nasihat')(a) && json(cardOf(a) ?? {}).includes('advisoryDecide');
    const one = await teamsCardOf(lead1, isRequest, 'advisoryDecide');
    const two = await teamsCardOf(lead2, isRequest, 'advisoryDecide');

    let res = await invoke(lead1, 'demo-lead', one.sent.id, 'advisoryDecide', {
      ...one.card.actions[0]!.data,
      date: '2026-12-17T00:00:00.000Z',
    });
    expect(json(res.value)).to.contain('Khidmat nasihat diterima oleh Farid bin Ismail pada').and.contain('17/12/2026');
    const afterAccept = await snapshot(id);
    expect(afterAccept.status).to.equal('DIJADUALKAN');

    res = await invoke(lead2, '29:lead-2', two.sent.id, 'refreshApproval', { caseId: id });
    expect(json(res.value)).to.contain('Khidmat nasihat diterima oleh Farid bin Ismail').and.not.contain('"verb":"advisoryDecide"');
    res = await invoke(lead2, '29:lead-2', two.sent.id, 'advisoryDecide', { ...two.card.actions[1]!.data, reason: 'Tiada pegawai' });
    expect(json(res.value)).to.contain('Farid bin Ismail').and.contain(ALREADY);
    expect(await snapshot(id)).to.deep.equal(afterAccept);
  });

  it('ticket card: several agents in Teams; after one resolves, the other sees who did and cannot act on the stale card', async () => {
    await bot.core.directory.upsertPerson({
      id: 'agent-2',
      name: 'Kamal bin Osman',
      email: 'kamal.osman@mampu.gov.my',
      agencyId: 'MAMPU',
      roles: ['USER', 'HELPDESK_AGENT'],
      identities: [{ channelId: 'msteams', userId: '29:agent-2' }],
      locale: 'ms',
    });
    const agent1 = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-agent', channelId: 'msteams' });
    const agent2 = new Chat({ botUrl: () => bot.url, connector, userId: '29:agent-2', channelId: 'msteams' });
    await agent1.say('hai');
    await agent2.say('hai');
    const id = await lodgeViaChat(chat['demo-applicant']);
    const isTicket = (a: SentActivity) => noticeMatch(id, 'Aduan baharu')(a) && json(cardOf(a) ?? {}).includes('ticketAgent');
    const find = async (who: Chat) => {
      const sent = await who.waitForSeen('ticket card', isTicket);
      const card = cardOf(sent) as unknown as TeamsCard;
      expect(card.actions.map((a) => [a.type, a.verb, a.data.action])).to.deep.equal(
        ['acknowledge', 'reply', 'askInfo', 'resolve', 'escalate'].map((x) => ['Action.Execute', 'ticketAgent', x]),
      );
      expect(card.refresh?.userIds).to.include.members(['demo-agent', '29:agent-2']);
      return { sent, card };
    };
    const one = await find(agent1);
    const two = await find(agent2);

    // Acknowledging keeps the ticket in the agents' hands: the answer is the ticket card, now "Diterima".
    let res = await invoke(agent1, 'demo-agent', one.sent.id, 'ticketAgent', one.card.actions[0]!.data);
    expect(json(res.value)).to.contain('"verb":"ticketAgent"').and.contain('Diterima');
    // Resolving without a text is explained as a message; the card stays as it is.
    res = await invoke(agent1, 'demo-agent', one.sent.id, 'ticketAgent', one.card.actions[3]!.data);
    expect(res.type).to.equal('application/vnd.microsoft.activity.message');
    res = await invoke(agent1, 'demo-agent', one.sent.id, 'ticketAgent', {
      ...one.card.actions[3]!.data,
      text: 'Pemacu token dikemas kini',
    });
    expect(json(res.value)).to.contain('Ditanda selesai oleh Nurul Huda binti Zainal pada').and.contain('Pemacu token dikemas kini');
    const afterResolve = await snapshot(id);
    expect(afterResolve.status).to.equal('SELESAI');

    res = await invoke(agent2, '29:agent-2', two.sent.id, 'refreshApproval', { caseId: id });
    expect(json(res.value)).to.contain('Ditanda selesai oleh Nurul Huda binti Zainal').and.not.contain('"verb":"ticketAgent"');
    // A question on the stale card (a reply would still reach the user: replies are allowed until the ticket closes).
    res = await invoke(agent2, '29:agent-2', two.sent.id, 'ticketAgent', { ...two.card.actions[2]!.data, text: 'Sila cuba semula' });
    expect(json(res.value)).to.contain('Nurul Huda binti Zainal').and.contain(ALREADY);
    expect(await snapshot(id)).to.deep.equal(afterResolve);
  });

  it('keeps Action.Submit in Web Chat: a lead officer there gets text, and a second decision is refused', async () => {
    const lead = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-lead' });
    await lead.say('hai');
    const id = await lodgeViaChat(chat['demo-applicant']);
    await chat['demo-agent'].submit({ verb: 'ticketAgent', caseId: id, action: 'acknowledge' });
    await chat['demo-agent'].submit({ verb: 'ticketAgent', caseId: id, action: 'escalate', text: 'Token dicuba pada dua komputer.' });
    const sent = await lead.waitForSeen('on-site approval card', noticeMatch(id, 'menunggu kelulusan anda'));
    const card = cardOf(sent) as unknown as TeamsCard;
    expect(card.actions.map((a) => a.type)).to.deep.equal(['Action.Submit', 'Action.Submit']);
    expect(card.refresh).to.equal(undefined);
    let r = await lead.submit(card.actions[0]!.data);
    expect(texts(r)).to.contain(id);
    const before = await snapshot(id);
    r = await lead.submit(card.actions[1]!.data);
    expect(texts(r)).to.contain('tidak boleh dibuat sekarang');
    expect(await snapshot(id)).to.deep.equal(before);
  });
});
