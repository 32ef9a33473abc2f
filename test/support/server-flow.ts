/** The server-certificate flow as its four people drive it over HTTP, shared by the e2e tests. */
import { expect } from 'chai';
import { askedField, cardOf, Chat, promptOf, texts } from './chat.js';
import type { SentActivity, TestConnector } from './connector.js';

export const DOMAINS = ['temujanji.moh.gov.my', 'www.temujanji.moh.gov.my'];

export interface People {
  applicant: Chat;
  tech: Chat;
  verifier: Chat;
  lead: Chat;
}

export function people(bot: () => string, connector: TestConnector): People {
  const chat = (userId: string) => new Chat({ botUrl: bot, connector, userId });
  return { applicant: chat('demo-applicant'), tech: chat('demo-tech'), verifier: chat('demo-verifier'), lead: chat('demo-lead') };
}

export const caseIdIn = (replies: SentActivity[]) => /SC-\d{4}-\d{6}/.exec(texts(replies))?.[0];
export const hasCase = (caseId: string) => (a: SentActivity) =>
  JSON.stringify(cardOf(a) ?? {}).includes(caseId) || (a.text ?? '').includes(caseId);
export const versionOn = (a: SentActivity) => (cardOf(a)!.actions as { data: { version: number } }[])[0]!.data.version;

/** The applicant's interview, with the wrong answers a person might give on the way. */
export async function applyForServerCert(p: People, opts: { mistakes?: boolean } = {}): Promise<string> {
  let r = await p.applicant.submit({ verb: 'start', goal: 'newServerCert' });
  expect(askedField(r)).to.equal('certType');
  r = await p.applicant.say('Pelbagai domain');
  expect(askedField(r)).to.equal('systemName');
  r = await p.applicant.say('Sistem Temujanji Pesakit');
  expect(askedField(r)).to.equal('domains');
  if (opts.mistakes) {
    r = await p.applicant.say('temujanji.moh.gov.my');
    expect(texts(r)).to.contain('Bilangan nama (1) tidak sesuai');
    r = await p.applicant.say('temujanji.moh.gov.my, 10.1.2.3, portal.local, a.*.moh.gov.my, temujanji.example.com');
    expect(texts(r))
      .to.contain('"10.1.2.3" ialah alamat IP')
      .and.contain('"portal.local" ialah nama dalaman')
      .and.contain('"a.*.moh.gov.my": aksara * hanya dibenarkan')
      .and.contain('"temujanji.example.com" tidak berada di bawah domain yang dibenarkan (gov.my)');
    expect(askedField(r)).to.equal('domains');
  }
  r = await p.applicant.say(DOMAINS.join(', '));
  expect(askedField(r)).to.equal('justification');
  r = await p.applicant.say('Sistem temujanji dalam talian yang memproses maklumat rasmi pesakit');
  expect(askedField(r)).to.equal('tech');
  if (opts.mistakes) {
    r = await p.applicant.say('aminah@moh.gov.my');
    expect(texts(r)).to.contain('Pegawai teknikal mestilah orang lain');
    r = await p.applicant.say('tiada.sesiapa@moh.gov.my');
    expect(texts(r)).to.contain('Tiada pegawai berdaftar dengan e-mel tiada.sesiapa@moh.gov.my');
  }
  r = await p.applicant.say('lim.weijie@moh.gov.my');
  expect(askedField(r)).to.equal('verifier');
  if (opts.mistakes) {
    r = await p.applicant.say('lim.weijie@moh.gov.my');
    expect(texts(r)).to.contain('bukan pegawai teknikal permohonan ini (pengasingan tugas)');
    r = await p.applicant.say('aminah@moh.gov.my');
    expect(texts(r)).to.contain('bukan pemohon sendiri (pengasingan tugas)');
    expect(askedField(r)).to.equal('verifier');
  }
  r = await p.applicant.say('siti.omar@moh.gov.my');
  expect(askedField(r)).to.equal('confirm');
  const summary = JSON.stringify(cardOf(promptOf(r)));
  expect(summary).to.contain('Lim Wei Jie').and.contain('Siti Nurhaliza binti Omar').and.contain('Pelbagai domain');
  r = await p.applicant.submit({ verb: 'answer', field: 'confirm', choice: 'submit' });
  const caseId = caseIdIn(r);
  expect(caseId, texts(r)).to.be.a('string');
  expect(texts(r)).to.contain('Lim Wei Jie (pegawai teknikal) telah diminta menghantar CSR');
  return caseId!;
}

/** The technical officer opens the CSR task of `caseId`. */
export async function openCsrTask(p: People, caseId: string): Promise<void> {
  const task = await p.tech.waitFor('CSR task card', (a) => hasCase(caseId)(a) && JSON.stringify(cardOf(a) ?? {}).includes('serverCsr'));
  const action = (cardOf(task)!.actions as { data: Record<string, unknown> }[])[0]!.data;
  const r = await p.tech.submit(action);
  expect(askedField(r)).to.equal('csr');
  expect(promptOf(r)?.channelData?.prompt).to.include({ kind: 'file' });
}

/** Endorsement, then the lead agency's approval; resolves with the serial the technical officer receives. */
export async function endorseApproveAndReceive(p: People, caseId: string): Promise<{ serial: string; files: SentActivity }> {
  const card = await p.verifier.waitFor(
    'endorse card',
    (a) => hasCase(caseId)(a) && JSON.stringify(cardOf(a) ?? {}).includes('"decision":"endorse"'),
  );
  let r = await p.verifier.submit({ verb: 'serverDecide', decision: 'endorse', caseId, version: versionOn(card) });
  expect(texts(r)).to.contain(`Anda telah memperakukan ${caseId}`);
  const approve = await p.lead.waitFor(
    'lead approval card',
    (a) => hasCase(caseId)(a) && JSON.stringify(cardOf(a) ?? {}).includes('"decision":"approve"'),
  );
  r = await p.lead.submit({ verb: 'serverDecide', decision: 'approve', caseId, version: versionOn(approve) });
  expect(texts(r)).to.contain(`Anda telah meluluskan ${caseId}`);
  const files = await p.tech.waitFor(
    'certificate files',
    (a) => (a.text ?? '').includes(caseId) && (a.text ?? '').includes('telah dikeluarkan'),
  );
  const serial = /No\. siri: ([0-9A-F]+)/.exec(files.text ?? '')?.[1];
  expect(serial).to.match(/^[0-9A-F]+$/);
  return { serial: serial!, files };
}

export function pemOf(files: SentActivity, suffix: string): string {
  const a = (files.attachments as unknown as { name: string; contentUrl: string }[]).find((x) => x.name.endsWith(suffix))!;
  return Buffer.from(a.contentUrl.split(',')[1]!, 'base64').toString();
}
