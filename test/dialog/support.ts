/**
 * Shared set-up of the dialog tests: each dialog runs alone in botbuilder-testing's
 * `DialogTestClient`, on the real use cases over in-process adapters (embedded SQLite store in a
 * temp folder, an unstarted in-process job queue, embedded CAs when a test needs certificates).
 * A middleware does what the edge does before a dialog runs: it resolves the person from the
 * directory and sets the turn's language.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Activity, Attachment, ConversationState, Middleware, TurnContext } from 'botbuilder';
import { ComponentDialog, type Dialog, type DialogTurnStatus } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import { expect } from 'chai';
import type { Locale } from '../../domain/people.js';
import type { CertificateAuthority } from '../../domain/ports/certificate-authority.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import type { HelpdeskDeps } from '../../domain/usecases/helpdesk-deps.js';
import type { ServerDeps } from '../../domain/usecases/server-deps.js';
import { t, type MessageKey, type Params } from '../../ui/i18n/index.js';
import type { PromptHint } from '../../dialogs/prompt.js';
import { LOCALE_KEY, PERSON_KEY, type LocalePreferences } from '../../ui/turn.js';
import type { AttachmentReader } from '../../dialogs/user-certificate/fields.js';
import { csrReader } from '../../infra/ca/csr-facts.js';
import { loadCalendars } from '../../infra/calendar/load.js';
import { loadConfig } from '../../infra/config.js';
import { loadDirectorySeed } from '../../infra/directory-seed.js';
import { TfIdfFaq } from '../../infra/faq/tfidf-faq.js';
import { InlineJobScheduler } from '../../infra/queue/inline.js';
import { createEmbeddedStore, type EmbeddedStore } from '../../infra/store/embedded/index.js';
import { encodePng } from '../../manifest/png.js';
import { coreDepsOn } from '../support/core-deps.js';
import { freshCa } from '../support/embedded-ca.js';
import type { EmbeddedCertificateAuthority } from '../../infra/ca/embedded-ca.js';

export type Reply = Partial<Activity>;
export type UserTurn = string | Partial<Activity>;

/**
 * A real PNG (a 32×32 grey square), as test/support/bot.ts makes it; kept here so the dialog tests
 * do not load the whole bot (bot/main.ts) for one image.
 */
export function tinyPng(): Buffer {
  return encodePng({ width: 32, height: 32, rgba: new Uint8Array(32 * 32 * 4).fill(128) });
}

/** A clock the tests move by hand. */
export class TestClock {
  private t: number;
  constructor(start: Date) {
    this.t = start.getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  set(d: Date): void {
    this.t = d.getTime();
  }
}

/** Attachments by their `contentUrl`: the bytes a test uploads, read back as the HTTP reader would. */
export class BytesReader implements AttachmentReader {
  private readonly files = new Map<string, Buffer>();
  private n = 0;

  /** A message carrying `bytes` as an attachment (no text), as a channel sends an upload. */
  upload(bytes: Buffer, opts: { name?: string; contentType?: string } = {}): Partial<Activity> {
    const contentUrl = `https://files.test/upload/${++this.n}`;
    this.files.set(contentUrl, bytes);
    const attachment: Attachment = { contentUrl, contentType: opts.contentType ?? 'image/png', name: opts.name ?? `file-${this.n}` };
    return { type: 'message', text: '', attachments: [attachment] };
  }

  async read(_ctx: TurnContext, attachment: Attachment, maxBytes: number): Promise<Buffer | 'too-large' | undefined> {
    const bytes = this.files.get(attachment.contentUrl ?? '');
    if (!bytes) return undefined;
    return bytes.length > maxBytes ? 'too-large' : bytes;
  }
}

/** Language choices the dialogs asked to remember, per person. */
export class RecordedPrefs implements LocalePreferences {
  readonly chosen = new Map<string, Locale>();
  async remember(personId: string, locale: Locale): Promise<void> {
    this.chosen.set(personId, locale);
  }
}

export interface World {
  dir: string;
  store: EmbeddedStore;
  jobs: InlineJobScheduler;
  clock: TestClock;
  core: CoreDeps;
  hd: HelpdeskDeps;
  server: ServerDeps;
  faq: TfIdfFaq;
  reader: BytesReader;
  prefs: RecordedPrefs;
  close(): Promise<void>;
}

/** Monday 7 December 2026, 09:00 in Putrajaya (the calendar file covers 2026). */
export const MONDAY_0900 = new Date('2026-12-07T01:00:00Z');

/**
 * The use cases on real in-process adapters with the demo directory loaded. `ca: true` opens two
 * embedded CAs (user, training) on the test clock; without it no certificate can be issued.
 */
export async function openWorld(opts: { ca?: boolean; now?: Date } = {}): Promise<World> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-dialog-'));
  const clock = new TestClock(opts.now ?? MONDAY_0900);
  const store = createEmbeddedStore({ file: path.join(dir, 'gpki.db'), filesDir: path.join(dir, 'files') });
  const jobs = new InlineJobScheduler({ file: path.join(dir, 'gpki.db') });
  const cas: EmbeddedCertificateAuthority[] = [];
  let ca = {} as CertificateAuthority;
  let trainingCa = ca;
  if (opts.ca) {
    const [user, training] = await Promise.all([freshCa({ clock: () => clock.now() }), freshCa({ clock: () => clock.now() })]);
    ca = user.ca;
    trainingCa = training.ca;
    cas.push(user.ca, training.ca);
  }
  const core = coreDepsOn(store, jobs, { ca, trainingCa, clock });
  const config = loadConfig({ DATA_DIR: dir });
  const hd: HelpdeskDeps = {
    ...core,
    calendars: loadCalendars(config.helpdesk.calendarFile, 'PUTRAJAYA'),
    helpdesk: {
      onsiteWindowHours: 48,
      visitSlotMinutes: 120,
      visitReminderHours: 24,
      ticketAutoCloseWorkingDays: 5,
      advisoryLeadWorkingDays: 5,
    },
  };
  const server: ServerDeps = {
    ...core,
    server: {
      csrReader,
      keyFingerprints: store.keyFingerprints,
      policy: { domainSuffixes: ['gov.my'], validityDays: 200, renewalWindowDays: 30 },
    },
  };
  await loadDirectorySeed(store.directory, JSON.parse(readFileSync('infra/seed/demo-directory.json', 'utf8')));
  return {
    dir,
    store,
    jobs,
    clock,
    core,
    hd,
    server,
    faq: new TfIdfFaq(config.helpdesk.faqDir),
    reader: new BytesReader(),
    prefs: new RecordedPrefs(),
    async close() {
      for (const c of cas) await c.close();
      await jobs.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Holds the dialog under test and those it begins, as the bot's one dialog set does. */
class Host extends ComponentDialog {
  constructor(main: Dialog, others: Dialog[]) {
    super(`test-host:${main.id}`);
    this.addDialog(main);
    for (const d of others) this.addDialog(d);
    this.initialDialogId = main.id;
  }
}

/**
 * One person chatting with one dialog. The first `send` begins the dialog (its text is not an
 * answer); every `send` returns all the bot's replies to that turn.
 */
export class DialogDriver {
  readonly client: DialogTestClient;
  private locale: Locale;

  constructor(
    private readonly world: World,
    readonly personId: string,
    dialog: Dialog,
    opts: { options?: unknown; also?: Dialog[]; locale?: Locale; conversationState?: ConversationState } = {},
  ) {
    this.locale = opts.locale ?? 'ms';
    const identify: Middleware = {
      onTurn: async (ctx, next) => {
        const person = await world.store.directory.getPerson(personId);
        if (!person) throw new Error(`no person ${personId} in the directory`);
        ctx.turnState.set(PERSON_KEY, person);
        ctx.turnState.set(LOCALE_KEY, world.prefs.chosen.get(personId) ?? this.locale);
        await next();
      },
    };
    this.client = new DialogTestClient('test', new Host(dialog, opts.also ?? []), opts.options, [identify], opts.conversationState);
  }

  async send(turn: UserTurn): Promise<Reply[]> {
    const replies: Reply[] = [];
    const first = await this.client.sendActivity(turn);
    if (first) replies.push(first);
    for (let r = this.client.getNextReply(); r; r = this.client.getNextReply()) replies.push(r);
    return replies;
  }

  get status(): DialogTurnStatus {
    return this.client.dialogTurnResult.status;
  }

  /** What the dialog ended with (a case id, usually). */
  get result(): unknown {
    return this.client.dialogTurnResult.result;
  }
}

/** The field the turn's last question asks (`channelData.prompt.field`), or undefined when none. */
export function askedField(replies: Reply[]): string | undefined {
  const prompts = replies.filter((r) => hintOf(r));
  return prompts.length ? hintOf(prompts[prompts.length - 1]!)!.field : undefined;
}

export function hintOf(reply: Reply): PromptHint | undefined {
  return (reply.channelData as { prompt?: PromptHint } | undefined)?.prompt;
}

/** The text of every reply, one per line. */
export function textsOf(replies: Reply[]): string {
  return replies
    .map((r) => r.text ?? '')
    .filter(Boolean)
    .join('\n');
}

/** A catalog message as the person reads it. */
export const msg = (key: MessageKey, params?: Params, locale: Locale = 'ms'): string => t(locale, key, params);

/** One row of a conversation table: what the user says, and the field the bot asks next (null: it asks nothing more). */
export type Row = [says: UserTurn, asks: string | null];

/**
 * Plays a table of turns, checking after each the field the bot asks next; returns the replies
 * of the last turn. A row whose field is null must end the dialog.
 */
export async function play(driver: DialogDriver, rows: Row[]): Promise<Reply[]> {
  let last: Reply[] = [];
  for (const [i, [says, asks]] of rows.entries()) {
    last = await driver.send(says);
    const label = `row ${i} (${typeof says === 'string' ? JSON.stringify(says) : 'upload/card'}): ${textsOf(last)}`;
    expect(askedField(last), label).to.equal(asks ?? undefined);
    if (asks === null) expect(driver.status, label).to.equal('complete');
    else expect(driver.status, label).to.equal('waiting');
  }
  return last;
}

/** A conversation's rows up to (not including) the row that asks `field`, plus that row. */
export function rowsUntil(rows: Row[], field: string): Row[] {
  const i = rows.findIndex(([, asks]) => asks === field);
  if (i < 0) throw new Error(`no row asks ${field}`);
  return rows.slice(0, i + 1);
}
