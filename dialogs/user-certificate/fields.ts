import type { Attachment, TurnContext } from 'botbuilder';
import type { CertificateMedium } from '../../domain/certificates.js';
import { GOV_APPLICATIONS, MEDIA, type UserCertApplication } from '../../domain/cases/user-certificate.js';
import type { FormField } from '../../domain/cases/forms.js';
import type { ApplicationData, TrainingApplication } from '../../domain/cases/operations.js';
import { parseAddress } from '../../domain/usecases/user-certificate-apply.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import { checkImageUpload } from '../../domain/rules/files.js';
import { parseMyKad } from '../../domain/rules/mykad.js';
import { parseOfficialEmail, parsePhone, parsePlainText } from '../../domain/rules/contact.js';
import { matchChoice, promptActivity, type PromptHint } from '../prompt.js';
import { localeOf, personOf, say } from '../../ui/turn.js';
import { yesNo } from '../short-forms.js';
import type { MessageKey } from '../../ui/i18n/index.js';
import { errorKey, unknownErrorHookOf } from '../../ui/errors.js';
import { directoryValue, isDirectoryField } from './prefill.js';

/** What the dialog has collected so far; keys are the prompt field names. */
export interface FormValues {
  mykad?: string;
  fullName?: string;
  email?: string;
  phone?: string;
  agency?: string;
  address?: string;
  position?: string;
  purpose?: string;
  medium?: CertificateMedium;
  applications?: string[];
  mykadCopy?: { fileId: string; size: number };
  declaration?: boolean;
}

/** Reads the bytes of an uploaded attachment; `too-large` once more than `maxBytes` arrive. */
export interface AttachmentReader {
  read(ctx: TurnContext, attachment: Attachment, maxBytes: number): Promise<Buffer | 'too-large' | undefined>;
}

export type FieldDeps = { core: CoreDeps; reader: AttachmentReader };

/** Parsed value, or the catalog key (and params) of why it was refused. */
export type Parsed = { ok: true; value: unknown } | { ok: false; key: MessageKey; params?: Record<string, string | number> };

function choiceList(ctx: TurnContext, field: 'medium' | 'applications' | 'declaration') {
  if (field === 'medium') return MEDIA.map((m) => ({ value: m, title: say(ctx, `medium.${m}`) }));
  if (field === 'applications') return GOV_APPLICATIONS.map((a) => ({ value: a, title: a }));
  return [
    { value: 'yes', title: say(ctx, 'choice.yes') },
    { value: 'no', title: say(ctx, 'choice.no') },
  ];
}

/** The question for a field, with its `channelData.prompt` hint. */
export async function promptFor(ctx: TurnContext, field: FormField, deps: FieldDeps) {
  const maxMb = Math.round((deps.core.policy.maxUploadBytes / 1024 / 1024) * 10) / 10;
  const hints: Record<FormField, () => Promise<PromptHint>> = {
    mykad: async () => ({ field, kind: 'text', inputMode: 'numeric' }),
    fullName: async () => ({ field, kind: 'text' }),
    email: async () => ({ field, kind: 'text', inputMode: 'email' }),
    phone: async () => ({ field, kind: 'text', inputMode: 'tel' }),
    agency: async () => ({
      field,
      kind: 'choice',
      choices: (await deps.core.directory.listAgencies()).map((a) => ({ value: a.id, title: a.name })),
    }),
    position: async () => ({ field, kind: 'text' }),
    address: async () => ({ field, kind: 'text' }),
    purpose: async () => ({ field, kind: 'text' }),
    medium: async () => ({ field, kind: 'choice', choices: choiceList(ctx, 'medium') }),
    applications: async () => ({ field, kind: 'choice', multiple: true, choices: choiceList(ctx, 'applications') }),
    mykadCopy: async () => ({ field, kind: 'file', accept: ['image/jpeg', 'image/png'], maxBytes: deps.core.policy.maxUploadBytes }),
    declaration: async () => ({ field, kind: 'confirm', choices: choiceList(ctx, 'declaration') }),
  };
  const hint = await hints[field]();
  const question = say(ctx, `prompt.${field}`, { maxMb });
  // People rarely know the media apart: one plain line each under the question.
  const lines = field === 'medium' ? [question, ...MEDIA.map((m) => say(ctx, `medium.${m}.about`))] : [question];
  // What the directory holds is offered as a one-tap answer; typing something else changes it.
  const known = isDirectoryField(field) ? await directoryValue(deps.core, personOf(ctx), field) : undefined;
  if (known?.agency)
    lines.push(say(ctx, 'prefill.agency', { name: (localeOf(ctx) === 'en' ? known.agency.nameEn : undefined) ?? known.agency.name }));
  else if (known) {
    lines.push(say(ctx, 'prefill.text', { value: known.value }));
    hint.choices = [{ value: known.value, title: known.value }];
  }
  return promptActivity(lines.join('\n\n'), hint);
}

/** Parses one answer for a field, storing uploads as they arrive. */
export async function parseField(ctx: TurnContext, field: FormField, deps: FieldDeps): Promise<Parsed> {
  const text = ctx.activity.text ?? '';
  const card = ctx.activity.value;
  const fromResult = <T>(r: { ok: true; value: T } | { ok: false; error: string; params?: Record<string, string | number> }): Parsed =>
    r.ok ? { ok: true, value: r.value } : { ok: false, key: errorKey('input', r.error, unknownErrorHookOf(ctx)), params: r.params };
  switch (field) {
    case 'mykad': {
      const r = parseMyKad(text, deps.core.clock.now());
      return r.ok ? { ok: true, value: r.value.digits } : { ok: false, key: errorKey('input', r.error, unknownErrorHookOf(ctx)) };
    }
    case 'fullName':
      return fromResult(parsePlainText(text, { min: 3, max: 120 }));
    case 'position':
      return fromResult(parsePlainText(text, { min: 2, max: 80 }));
    case 'address':
      return fromResult(parseAddress(text));
    case 'purpose':
      return fromResult(parsePlainText(text, { min: 5, max: 200 }));
    case 'email':
      return fromResult(parseOfficialEmail(text, deps.core.policy.emailDomains));
    case 'phone':
      return fromResult(parsePhone(text));
    case 'agency': {
      const agencies = (await deps.core.directory.listAgencies()).map((a) => ({ value: a.id, title: a.name }));
      const v = matchChoice(text, card, agencies);
      return v ? { ok: true, value: v } : { ok: false, key: 'invalid.choice' };
    }
    case 'medium': {
      const v = matchChoice(text, card, choiceList(ctx, 'medium'));
      return v ? { ok: true, value: v } : { ok: false, key: 'invalid.choice' };
    }
    case 'applications':
      return parseApplications(text, card);
    case 'declaration': {
      const v = matchChoice(text, card, choiceList(ctx, 'declaration')) ?? yesNo(text);
      return v === 'yes' ? { ok: true, value: true } : { ok: false, key: 'invalid.declaration' };
    }
    case 'mykadCopy':
      return parseUpload(ctx, deps);
  }
}

function parseApplications(text: string, card: unknown): Parsed {
  const raw = typeof (card as { choice?: unknown })?.choice === 'string' ? String((card as { choice: string }).choice) : text;
  const parts = raw
    .split(/[,;\n]|\bdan\b|\band\b/i)
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) return { ok: false, key: 'invalid.choice' };
  const known: string[] = [];
  const unknown: string[] = [];
  for (const p of parts) {
    const byNumber = Number(p);
    const hit =
      Number.isInteger(byNumber) && byNumber >= 1 && byNumber <= GOV_APPLICATIONS.length
        ? GOV_APPLICATIONS[byNumber - 1]
        : GOV_APPLICATIONS.find((a) => a.toLowerCase() === p.toLowerCase());
    if (hit) known.push(hit);
    else unknown.push(p.slice(0, 40));
  }
  if (unknown.length > 0)
    return { ok: false, key: 'invalid.applications', params: { unknown: unknown.join(', '), choices: GOV_APPLICATIONS.join(', ') } };
  return { ok: true, value: [...new Set(known)] };
}

async function parseUpload(ctx: TurnContext, deps: FieldDeps): Promise<Parsed> {
  const attachment = (ctx.activity.attachments ?? []).find((a) => a.contentUrl || a.content);
  if (!attachment) return { ok: false, key: 'invalid.FILE_NONE' };
  const max = deps.core.policy.maxUploadBytes;
  const maxMb = Math.round((max / 1024 / 1024) * 10) / 10;
  const bytes = await deps.reader.read(ctx, attachment, max);
  if (bytes === 'too-large') return { ok: false, key: 'invalid.FILE_TOO_LARGE', params: { maxMb } };
  if (!bytes) return { ok: false, key: 'invalid.FILE_UNREADABLE' };
  const check = checkImageUpload(bytes, max);
  if (!check.ok) return { ok: false, key: errorKey('image', check.error, unknownErrorHookOf(ctx)), params: { maxMb } };
  const stored = await deps.core.files.put({ ownerId: personOf(ctx).id, name: safeName(attachment.name), contentType: check.value, bytes });
  return { ok: true, value: { fileId: stored.id, size: stored.size } };
}

function safeName(name: string | undefined): string {
  return (name ?? 'mykad').replace(/[^\w.-]/g, '_').slice(0, 80);
}

/** The reason an answer was refused, in the user's language. */
export function reasonText(ctx: TurnContext, parsed: Extract<Parsed, { ok: false }>): string {
  return say(ctx, parsed.key, parsed.params);
}

export function toApplication(v: FormValues): UserCertApplication {
  return {
    mykad: v.mykad ?? '',
    fullName: v.fullName ?? '',
    email: v.email ?? '',
    phone: v.phone ?? '',
    agencyId: v.agency ?? '',
    position: v.position ?? '',
    medium: v.medium ?? 'token',
    applications: v.applications ?? [],
    mykadCopyFileId: v.mykadCopy?.fileId ?? '',
    declaration: true,
    ...(v.address ? { address: v.address } : {}),
  };
}

export function toTrainingApplication(v: FormValues): TrainingApplication {
  return {
    fullName: v.fullName ?? '',
    email: v.email ?? '',
    phone: v.phone ?? '',
    agencyId: v.agency ?? '',
    position: v.position ?? '',
    purpose: v.purpose ?? '',
    declaration: true,
  };
}

/** The form values of any earlier application (user or training), to pre-fill a renewal or replacement. */
export function fromAnyApplication(a: ApplicationData, copySize: number): FormValues {
  if ('purpose' in a && typeof a.purpose === 'string') {
    return {
      fullName: a.fullName,
      email: a.email,
      phone: a.phone,
      agency: a.agencyId,
      position: a.position,
      purpose: a.purpose,
      declaration: true,
    };
  }
  const u = a as UserCertApplication;
  return { ...fromApplication(u, copySize), ...(u.address ? { address: u.address } : {}) };
}

/**
 * The form a renewal or replacement starts from: the previous application's details, and what
 * still has to be asked. The previous MyKad copy is usually gone (it is deleted once verified,
 * DOMAIN.md 7.15), so a user certificate then asks for a new one.
 */
export async function prefilledFrom(
  core: Pick<CoreDeps, 'files'>,
  previous: ApplicationData,
  realm: 'user' | 'training',
): Promise<{ values: FormValues; ask: FormField[] }> {
  const copyId = 'mykadCopyFileId' in previous ? previous.mykadCopyFileId : undefined;
  const copy = copyId ? await core.files.head(copyId) : undefined;
  const values = fromAnyApplication(previous, copy?.size ?? 0);
  if (realm !== 'user') return { values, ask: ['declaration'] };
  if (!copy) delete values.mykadCopy;
  const ask: FormField[] = [...(values.address ? [] : ['address' as const]), ...(copy ? [] : ['mykadCopy' as const]), 'declaration'];
  return { values, ask };
}

export function fromApplication(a: UserCertApplication, copySize: number): FormValues {
  return {
    mykad: a.mykad,
    fullName: a.fullName,
    email: a.email,
    phone: a.phone,
    agency: a.agencyId,
    position: a.position,
    medium: a.medium,
    applications: a.applications,
    mykadCopy: { fileId: a.mykadCopyFileId, size: copySize },
    declaration: true,
  };
}
