import { ConversationState, MemoryStorage, type StoreItem } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import { expect } from 'chai';
import type { FormField } from '../../domain/cases/forms.js';
import type { UserCertApplication } from '../../domain/cases/user-certificate.js';
import type { Person } from '../../domain/people.js';
import { ApplyUserCertificateDialog } from '../../dialogs/user-certificate/apply-dialog.js';
import { correctField, readDraft, type Correction } from '../../dialogs/user-certificate/form-api.js';
import { askedField, DialogDriver, msg, openWorld, play, rowsUntil, tinyPng, type Reply, type Row, type World } from './support.js';

/**
 * The apply dialog's form API, as the agent console uses it: the request in progress read from
 * the saved dialog state, and a field corrected there with the dialog's own parser. What the
 * dialog then shows and submits is the corrected value; a refused value changes nothing.
 */
describe('the apply dialog form API (read the draft, correct a field)', function () {
  this.timeout(30_000);
  let w: World;
  let storage: MemoryStorage;
  let person: Person;
  beforeEach(async () => {
    w = await openWorld();
    storage = new MemoryStorage();
    person = (await w.store.directory.getPerson('demo-applicant'))!;
  });
  afterEach(async () => {
    await w.close();
  });

  const start = () =>
    new DialogDriver(w, 'demo-applicant', new ApplyUserCertificateDialog({ core: w.core, reader: w.reader }, w.prefs), {
      options: ApplyUserCertificateDialog.fresh('user'),
      conversationState: new ConversationState(storage),
    });

  const rows = (): Row[] => [
    ['mohon sijil', 'mykad'],
    ['900101-14-5678', 'fullName'],
    ['Aminah binti Hassan', 'email'],
    ['aminah.lama@moh.gov.my', 'phone'],
    ['012-345 6789', 'agency'],
    ['Kementerian Kesihatan Malaysia', 'position'],
    ['Pegawai Teknologi Maklumat F41', 'medium'],
    ['1', 'applications'],
    ['ePerolehan', 'mykadCopy'],
    [w.reader.upload(tinyPng(), { name: 'mykad.png' }), 'declaration'],
    ['ya', 'confirm'],
  ];

  /** The conversation's saved state, as the console reads it from the store between turns. */
  const saved = async (last: Reply[]): Promise<{ key: string; item: StoreItem; state: DialogState }> => {
    // ConversationState's key: channel, conversation and its (empty) namespace.
    const key = `${last[0]!.channelId}/conversations/${last[0]!.conversation!.id}/`;
    const item = (await storage.read([key]))[key]!;
    return { key, item, state: item.DialogState as DialogState };
  };

  /** Corrects a field between turns, saving the state as the handoff service does. */
  const correct = async (last: Reply[], field: FormField, answer: string): Promise<Correction> => {
    const { key, item, state } = await saved(last);
    const r = await correctField(state, field, answer, { deps: { core: w.core, reader: w.reader }, locale: 'ms', person });
    if (r.ok) await storage.write({ [key]: item });
    return r;
  };

  const submitted = async () => (await w.store.cases.listByApplicant('demo-applicant'))[0]?.data as unknown as UserCertApplication;

  it('reads the draft and the question open; a corrected e-mail is what the summary shows and the case holds', async () => {
    const d = start();
    const atPhone = await play(d, rowsUntil(rows(), 'phone'));
    expect(readDraft((await saved(atPhone)).state)).to.deep.equal({
      values: { mykad: '900101145678', fullName: 'Aminah binti Hassan', email: 'aminah.lama@moh.gov.my' },
      asking: 'phone',
      mode: 'new',
      caseId: undefined,
      realm: 'user',
      operation: 'new',
    });

    const r = await correct(atPhone, 'email', 'Aminah@MOH.gov.my');
    expect(r).to.deep.include({ ok: true, value: 'aminah@moh.gov.my' });
    expect(r.ok && r.draft).to.deep.include({ asking: 'phone' });
    expect(readDraft((await saved(atPhone)).state)?.values.email).to.equal('aminah@moh.gov.my');

    const all = rows();
    const summary = await play(d, all.slice(all.findIndex(([, asks]) => asks === 'phone') + 1));
    expect(askedField(summary)).to.equal('confirm');
    expect(JSON.stringify(summary.flatMap((a) => a.attachments ?? [])))
      .to.include('aminah@moh')
      .and.not.include('lama');
    await play(d, [['Hantar', null]]);
    expect((await submitted()).email).to.equal('aminah@moh.gov.my');
  });

  it('corrects a field at the summary: the summary asked again shows it, and the case holds it', async () => {
    const d = start();
    const atConfirm = await play(d, rows());
    expect(readDraft((await saved(atConfirm)).state)?.asking).to.equal('confirm');
    expect(await correct(atConfirm, 'phone', '03-8888 1234')).to.deep.include({ ok: true, value: '0388881234' });

    const again = await d.send('entah');
    expect(askedField(again)).to.equal('confirm');
    expect(JSON.stringify(again.flatMap((a) => a.attachments ?? []))).to.include('0388881234');
    await play(d, [['Hantar', null]]);
    expect((await submitted()).phone).to.equal('0388881234');
  });

  it("refuses a value with the dialog's own code and reason, refuses fields agents may not correct, and changes nothing", async () => {
    const d = start();
    const atPhone = await play(d, rowsUntil(rows(), 'phone'));
    const before = readDraft((await saved(atPhone)).state);

    expect(await correct(atPhone, 'email', 'aminah@gmail.com')).to.deep.equal({
      ok: false,
      code: 'INVALID',
      key: 'invalid.EMAIL_WEBMAIL',
      reason: msg('invalid.EMAIL_WEBMAIL', { domain: 'gmail.com' }),
    });
    expect(await correct(atPhone, 'mykad', '1234')).to.deep.include({ ok: false, code: 'INVALID', key: 'invalid.MYKAD_FORMAT' });
    expect(await correct(atPhone, 'mykadCopy', 'x')).to.deep.include({ ok: false, code: 'NOT_CORRECTABLE' });
    expect(readDraft((await saved(atPhone)).state)).to.deep.equal(before);

    // The user answering the open question is not affected by the refused corrections.
    const next = await d.send('012-345 6789');
    expect(askedField(next)).to.equal('agency');
  });

  it('has no draft, and corrects nothing, when no form is open', async () => {
    const options = { deps: { core: w.core, reader: w.reader }, locale: 'ms' as const, person };
    expect(readDraft(undefined)).to.equal(undefined);
    expect(readDraft({ dialogStack: [] })).to.equal(undefined);
    expect(await correctField({ dialogStack: [] }, 'email', 'aminah@moh.gov.my', options)).to.deep.equal({ ok: false, code: 'NO_FORM' });
    expect(await correctField(undefined, 'email', 'aminah@moh.gov.my', options)).to.deep.equal({ ok: false, code: 'NO_FORM' });
  });
});
