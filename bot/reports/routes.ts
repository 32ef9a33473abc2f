import type { Request, Response, Server } from 'restify';
import { mayUse } from '../../domain/rules/console-access.js';
import { DEFAULT_TARGETS, SERVICE_MEASURES } from '../../domain/reports/service-levels.js';
import type { HelpdeskDeps } from '../../domain/usecases/helpdesk-deps.js';
import { serviceReport, type ServiceReport } from '../../domain/usecases/service-levels.js';
import type { Logger } from '../../infra/logger.js';
import { t } from '../../ui/i18n/index.js';
import { bilingual } from '../handoff/console-labels.js';
import { consolePerson, consoleSessionOf, sendConsolePage, type Guarded } from '../handoff/console-guard.js';
import type { ConsoleSessions } from '../handoff/console-auth.js';
import { measurementsCsv, satisfactionCsv } from './csv.js';
import { monthList, reportRequest, type ReportRequest } from './query.js';

export interface ReportsDeps {
  helpdesk: HelpdeskDeps;
  sessions: ConsoleSessions;
  webDir: string;
  logger: Logger;
}

/**
 * The service-level and satisfaction reports for the lead agency and admins: the
 * page `/console/reports`, its JSON (`/console/api/reports`) and two CSV downloads
 * (`/console/api/reports.csv`, one row per measurement; `/console/api/reports/satisfaction.csv`,
 * one row per rating). Each takes `from`, `to` (YYYY-MM, Malaysian months, default the last six),
 * `agency` (an agency id) and, for the CSVs, `lang` (ms|en, the header row's language). A bad
 * parameter is a 400 with its code; the roles are checked by `guarded` (the console's one gate).
 */
export function mountReports(server: Server, guarded: Guarded, deps: ReportsDeps): void {
  server.get('/console/reports', async (req: Request, res: Response) => {
    const session = await consoleSessionOf(req, deps.sessions);
    // Signing in happens on the console page; it comes back here afterwards.
    if (!session) return void res.redirect(303, '/console?next=reports', () => undefined);
    const person = await consolePerson({ sessions: deps.sessions, directory: deps.helpdesk.directory }, session);
    if (!person || !mayUse(person, 'reports')) {
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.setHeader('cache-control', 'no-store');
      return void res.sendRaw(403, `${t('ms', 'reports.refused')}\n${t('en', 'reports.refused')}\n`);
    }
    await sendConsolePage(res, deps.webDir, 'reports.html');
  });

  /** Runs `answer` with the checked request, or answers 400 with the parameter's error code. */
  const withRequest = (answer: (req: Request, res: Response, r: ReportRequest, report: ServiceReport) => Promise<void> | void) =>
    guarded(async (req, res, person) => {
      const checked = await reportRequest(req.url ?? '', { directory: deps.helpdesk.directory, now: deps.helpdesk.clock.now() });
      if (!checked.ok) return void res.send(400, { error: checked.error, param: checked.param, message: checked.message });
      const report = await serviceReport(deps.helpdesk, checked.value.query, DEFAULT_TARGETS);
      deps.logger.info({ person: person.id, query: checked.value.query, path: req.getPath() }, 'service-level report read');
      res.setHeader('cache-control', 'no-store');
      await answer(req, res, checked.value, report);
    });

  server.get(
    '/console/api/reports',
    withRequest(async (_req, res, r, report) => {
      const agencies = await deps.helpdesk.directory.listAgencies();
      const query = new URLSearchParams({
        from: r.query.fromMonth,
        to: r.query.toMonth,
        ...(r.query.agencyId ? { agency: r.query.agencyId } : {}),
      });
      res.send(200, {
        ...report,
        months: monthList(r.query.fromMonth, r.query.toMonth),
        agencies: agencies.map((a) => ({ id: a.id, name: a.name, ...(a.nameEn ? { nameEn: a.nameEn } : {}) })),
        measureNames: Object.fromEntries(SERVICE_MEASURES.map((m) => [m, bilingual((l) => t(l, `reports.measure.${m}`))])),
        downloads: { measurements: `/console/api/reports.csv?${query}`, satisfaction: `/console/api/reports/satisfaction.csv?${query}` },
      });
    }),
  );

  server.get(
    '/console/api/reports.csv',
    withRequest((_req, res, r, report) => {
      sendCsv(
        res,
        `${t(r.lang, 'reports.csv.file')}-${r.query.fromMonth}-${r.query.toMonth}${r.query.agencyId ? `-${r.query.agencyId}` : ''}.csv`,
        measurementsCsv(report.measurements, r.lang),
      );
    }),
  );

  server.get(
    '/console/api/reports/satisfaction.csv',
    withRequest((_req, res, r, report) => {
      sendCsv(
        res,
        `${t(r.lang, 'reports.csv.satisfactionFile')}-${r.query.fromMonth}-${r.query.toMonth}${r.query.agencyId ? `-${r.query.agencyId}` : ''}.csv`,
        satisfactionCsv(report.satisfaction.rows, r.lang),
      );
    }),
  );
}

function sendCsv(res: Response, filename: string, body: string): void {
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  // Agency ids come from the directory; anything but a plain name is left out of the header.
  res.setHeader('content-disposition', `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`);
  res.setHeader('x-content-type-options', 'nosniff');
  res.sendRaw(200, Buffer.from(body, 'utf8'));
}
