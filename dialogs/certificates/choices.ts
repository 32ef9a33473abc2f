import type { Attachment, TurnContext } from 'botbuilder';
import type { Realm } from '../../domain/cases/operations.js';
import { effectiveStatus, realmOf, type CertificateRecord } from '../../domain/certificates.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import { normaliseSerial } from '../../domain/usecases/cert-common.js';
import { adaptiveCard, facts, heading, para, submit, type CardElement } from '../../ui/cards/adaptive.js';
import { matchChoice } from '../prompt.js';
import { say } from '../../ui/turn.js';
import { day } from './refusals.js';

export type CertOp = 'renew' | 'revoke' | 'replace';

/**
 * The certificates a person is offered for an operation. Renewal lists every certificate not
 * revoked or renewed yet, so a choice outside the window gets its explanation (when it opens,
 * or a new application after expiry); revocation and replacement list the valid ones.
 */
export async function eligibleCertificates(core: CoreDeps, ownerId: string, realm: Realm, op: CertOp): Promise<CertificateRecord[]> {
  const now = core.clock.now();
  const mine = (await core.certificates.listByOwner(ownerId)).filter((c) => realmOf(c) === realm);
  return mine.filter((c) => {
    const status = effectiveStatus(c, now, core.policy.renewalWindowDays);
    if (status === 'DIBATALKAN' || status === 'DIGANTI') return false;
    if (op === 'renew') return !c.successor;
    return status !== 'LUPUT';
  });
}

export function certificateTitle(ctx: TurnContext, c: CertificateRecord): string {
  return `${c.serial.toUpperCase()} · ${c.medium ? say(ctx, `medium.${c.medium}`) : '-'} · ${day(c.notAfter)}`;
}

export const certificateChoiceList = (ctx: TurnContext, certs: CertificateRecord[]) =>
  certs.map((c) => ({ value: c.serial, title: certificateTitle(ctx, c) }));

/** The card listing the certificates to choose from: serial, medium, expiry and status of each. */
export function certificateListCard(
  ctx: TurnContext,
  opts: { certs: CertificateRecord[]; realm: Realm; op: CertOp; now: Date; windowDays: number },
): Attachment {
  const body: CardElement[] = [heading(say(ctx, `certs.title.${opts.op}`))];
  if (opts.realm === 'training') body.push(para(say(ctx, 'training.label')));
  for (const c of opts.certs.slice(0, 10)) {
    body.push(
      facts([
        [say(ctx, 'cert.serial'), c.serial.toUpperCase()],
        [say(ctx, 'cert.medium'), c.medium ? say(ctx, `medium.${c.medium}`) : '-'],
        [say(ctx, 'cert.expires'), day(c.notAfter)],
        [say(ctx, 'cert.status'), say(ctx, `certStatus.${effectiveStatus(c, opts.now, opts.windowDays)}`)],
      ]),
    );
    body.push({
      type: 'ActionSet',
      actions: [submit(say(ctx, `certs.pick.${opts.op}`), { verb: 'answer', field: 'certificate', choice: c.serial })],
    });
  }
  return adaptiveCard(body);
}

const SERIAL = /^[0-9a-f][0-9a-f:\s]{5,}$/i;

/**
 * A chosen certificate: a listed one by number, title or card button, or any serial typed or
 * carried by an older card. Whether the person may act on it is the use case's decision, which
 * then explains a refusal (someone else's, already revoked, ...).
 */
export function parseCertificateAnswer(
  text: string | undefined,
  cardValue: unknown,
  choices: { value: string; title: string }[],
): string | undefined {
  const listed = matchChoice(text, cardValue, choices);
  if (listed) return listed;
  const fromCard = (cardValue as { choice?: unknown } | undefined)?.choice;
  const raw = typeof fromCard === 'string' ? fromCard : (text ?? '').trim();
  return SERIAL.test(raw) ? normaliseSerial(raw) : undefined;
}
