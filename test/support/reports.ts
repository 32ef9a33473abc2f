import { agentAct, lodgeComplaint } from '../../domain/usecases/complaint.js';
import { rateService } from '../../domain/usecases/satisfaction.js';
import { submitUserCertificate } from '../../domain/usecases/user-certificate-apply.js';
import type { startTestBot, TestClock } from './bot.js';
import { userApplication } from './certs.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;

/** The demo lead-agency officer (infra/seed/demo-directory.json) and the password tests give them. */
export const LEAD = { email: 'farid@mampu.gov.my', password: 'kata-laluan-peneraju-1' };

/**
 * Cases of two months through the use cases (an injected clock): a ticket acknowledged late and
 * rated, one acknowledged at once, one never acknowledged (overdue now), a certificate waiting
 * for its AP. Returns the ids.
 */
export async function seedReportCases(
  bot: Bot,
  clock: TestClock,
): Promise<{ late: string; prompt: string; overdue: string; waiting: string }> {
  const lodge = async () => {
    const r = await lodgeComplaint(bot.hd, {
      actorId: 'demo-applicant',
      category: 'token',
      application: 'ePerolehan',
      description: 'Token tidak dikesan oleh komputer.',
    });
    if (!r.ok) throw new Error(r.error);
    return r.value.id;
  };
  const act = async (caseId: string, action: 'acknowledge' | 'resolve') => {
    const r = await agentAct(bot.hd, { caseId, actorId: 'demo-agent', action, text: 'Pemacu dipasang semula.' });
    if (!r.ok) throw new Error(r.error);
  };
  clock.set(new Date('2026-11-16T01:00:00Z'));
  const late = await lodge();
  clock.set(new Date('2026-11-18T03:00:00Z'));
  await act(late, 'acknowledge');
  await act(late, 'resolve');
  await rateService(bot.core, { caseId: late, actorId: 'demo-applicant', score: 4, comment: 'Dibantu dengan baik, walaupun lambat.' });
  clock.set(new Date('2026-12-07T01:00:00Z'));
  const prompt = await lodge();
  await act(prompt, 'acknowledge');
  clock.set(new Date('2026-12-10T01:00:00Z'));
  const overdue = await lodge();
  clock.set(new Date('2026-12-15T01:00:00Z'));
  const submitted = await submitUserCertificate(bot.core, 'demo-applicant', await userApplication(bot, 'demo-applicant'));
  if (!submitted.ok) throw new Error(submitted.error);
  clock.set(new Date('2026-12-15T02:00:00Z'));
  return { late, prompt, overdue, waiting: submitted.value.id };
}
