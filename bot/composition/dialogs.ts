import type { LocalePreferences } from '../../ui/turn.js';
import { TfIdfFaq } from '../../infra/faq/tfidf-faq.js';
import { ApplyUserCertificateDialog } from '../../dialogs/user-certificate/apply-dialog.js';
import { RenewCertificateDialog } from '../../dialogs/certificates/renew-dialog.js';
import { RevokeCertificateDialog } from '../../dialogs/certificates/revoke-dialog.js';
import { ReplaceCertificateDialog } from '../../dialogs/certificates/replace-dialog.js';
import { FaqDialog } from '../../dialogs/helpdesk/faq-dialog.js';
import { LodgeComplaintDialog } from '../../dialogs/helpdesk/complaint-dialog.js';
import { BookVisitDialog } from '../../dialogs/helpdesk/book-visit-dialog.js';
import { RequestAdvisoryDialog } from '../../dialogs/helpdesk/advisory-dialog.js';
import { RequestOnsiteDialog } from '../../dialogs/helpdesk/onsite-request-dialog.js';
import { ApplyServerCertificateDialog } from '../../dialogs/server-certificate/apply-dialog.js';
import { ProvideCsrDialog } from '../../dialogs/server-certificate/csr-dialog.js';
import { ServerCertOperationDialog } from '../../dialogs/server-certificate/operation-dialog.js';
import { HttpAttachmentReader } from '../turn/attachments.js';
import { DialogRunner } from '../turn/dialog-runner.js';
import { PersonLookup } from '../turn/person-lookup.js';
import type { Channels } from './channels.js';
import type { Core } from './core.js';

/** What a conversation with a person needs: who they are, their language, their files, the dialogs. */
export interface Conversations {
  people: PersonLookup;
  prefs: LocalePreferences;
  reader: HttpAttachmentReader;
  runner: DialogRunner;
}

export function createConversations({ config, infra, core, hd, serverCore }: Core, { fileLinks }: Channels): Conversations {
  const { store } = infra;
  const people = new PersonLookup({ directory: store.directory, ttlMs: 30_000, max: 20_000 });
  const prefs: LocalePreferences = {
    async remember(personId, locale) {
      const p = await store.directory.getPerson(personId);
      if (p) await store.directory.upsertPerson({ ...p, locale });
      people.forget(personId);
    },
  };
  const faq = new TfIdfFaq(config.helpdesk.faqDir);
  const reader = new HttpAttachmentReader({
    trustedOrigins: config.publicUrl ? [new URL(config.publicUrl).origin] : [],
    timeoutMs: 10_000,
    teamsFileHosts: config.teamsFileHosts,
    async ownFiles(link, senderId) {
      const id = fileLinks.idOf(link);
      if (!id) return undefined;
      const file = await store.files.get(id);
      // Only the sender's own upload: a link seen on someone else's card is not their file to submit.
      return file && file.meta.ownerId === senderId ? file.bytes : 'refused';
    },
  });
  const runner = new DialogRunner([
    new ApplyUserCertificateDialog({ core, reader }, prefs),
    new RenewCertificateDialog(core, prefs),
    new RevokeCertificateDialog(core, prefs),
    new ReplaceCertificateDialog(core, prefs),
    new LodgeComplaintDialog({ hd, faq, reader }, prefs),
    new FaqDialog({ hd, faq }, prefs),
    new BookVisitDialog(hd, prefs),
    new RequestAdvisoryDialog({ hd, reader }, prefs),
    new RequestOnsiteDialog(hd, prefs),
    new ApplyServerCertificateDialog(serverCore, prefs),
    new ProvideCsrDialog({ ...serverCore, reader }, prefs),
    new ServerCertOperationDialog(serverCore, prefs),
  ]);
  return { people, prefs, reader, runner };
}
