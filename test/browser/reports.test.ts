import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { removeDir, startTestBot, TestClock } from '../support/bot.js';
import { seriousViolations } from '../support/axe.js';
import { describeWithChromium, launchChromium, pagesOf } from '../support/browser.js';
import { setPasswordByCommand } from '../support/console.js';
import { LEAD, seedReportCases } from '../support/reports.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;
/**
 * The reports page in Debian's chromium for a lead-agency officer: signed in on the console (which
 * offers the reports, not the desk), charts drawn as SVG with captions and data tables, the
 * overdue case marked in words, satisfaction, both languages, the CSV download, and axe-core
 * finding no serious or critical WCAG 2.1 AA problem in either language.
 */
describeWithChromium('browser: service-level reports for the lead agency', function () {
  this.timeout(240_000);
  const clock = new TestClock(new Date('2026-11-16T01:00:00Z'));
  let bot: Bot;
  let browser: Browser;
  let ids: Awaited<ReturnType<typeof seedReportCases>>;
  const pages = pagesOf(
    () => browser,
    () => bot.url,
  );

  before(async () => {
    [bot, browser] = await Promise.all([startTestBot({}, undefined, { clock }), launchChromium()]);
    const set = await setPasswordByCommand({ DATA_DIR: bot.dataDir }, LEAD.email, LEAD.password);
    expect(set.code, set.stderr).to.equal(0);
    ids = await seedReportCases(bot, clock);
  });
  after(async () => {
    await pages.closeAll();
    await browser?.close();
    await bot?.close();
    if (bot) removeDir(bot.dataDir);
  });

  it('signs in on the console, follows the header link, reads the figures, switches language and downloads the CSV', async () => {
    const { page, problems } = await pages.open('/console/reports');
    // No session yet: sent to the console's sign-in, and back to the reports afterwards.
    await page.waitForURL(/\/console\?next=reports$/);
    await page.locator('#email').fill(LEAD.email);
    await page.locator('#password').fill(LEAD.password);
    await page.locator('#signin-button').click();
    await page.waitForURL(/\/console\/reports$/);
    await page.locator('#report').waitFor({ state: 'visible' });
    expect(await page.locator('html').getAttribute('lang')).to.equal('ms');

    // Every chart is an SVG image named by its visible caption, with its data table and cases behind it.
    const charts = page.locator('#trend figure');
    expect(await charts.count()).to.equal(3);
    const response = page.locator('#trend figure[data-measure="ticketResponse"]');
    const labelledBy = await response.locator('svg').getAttribute('aria-labelledby');
    expect(await response.locator('svg').getAttribute('role')).to.equal('img');
    expect(await page.locator(`#${labelledBy}`).textContent()).to.contain('Maklum balas pertama tiket: pematuhan setiap bulan');
    expect(await response.locator('svg text.value').allTextContents()).to.deep.equal(['–', '–', '–', '–', '0%', '50%']);
    await response.locator('details.data-table summary').click();
    expect(await response.locator('table tbody tr').last().innerText())
      .to.contain('Disember 2026')
      .and.contain('1 daripada 2')
      .and.contain(`${ids.prompt}, ${ids.overdue}`);

    const card = page.locator('#summary .card[data-measure="ticketResponse"]');
    expect(await card.innerText())
      .to.contain('1 daripada 3')
      .and.contain('tiket diterima dalam 1 hari bekerja');
    expect(await page.locator('#by-agency').innerText())
      .to.contain('Kementerian Kesihatan Malaysia')
      .and.contain('AP membuat keputusan dalam 3 hari bekerja');
    const overdue = page.locator('#nearest tr.late', { hasText: ids.overdue });
    expect(await overdue.innerText()).to.contain('⚠ Lewat: melepasi tarikh akhir');
    expect(await page.locator('#nearest tr', { hasText: ids.waiting }).innerText())
      .to.contain('18/12/2026 09:00')
      .and.contain('Dalam tempoh');
    expect(await page.locator('#satisfaction').innerText())
      .to.contain('Purata markah: 4 daripada 5 (1 penilaian)')
      .and.contain('Dibantu dengan baik, walaupun lambat.');
    expect(await page.locator('#satisfaction svg[role="img"]').count()).to.equal(1);
    expect(await seriousViolations(page)).to.deep.equal([]);

    await page.locator('#lang').click();
    expect(await page.locator('html').getAttribute('lang')).to.equal('en');
    expect(await page.locator('#trend-heading').textContent()).to.equal('Monthly trend');
    expect(await page.locator('body').innerText()).to.not.contain('Trend bulanan');
    expect(await card.innerText())
      .to.contain('1 of 3')
      .and.contain('ticket acknowledged within 1 working day');
    expect(await overdue.innerText()).to.contain('⚠ Overdue: past its deadline');
    expect(await page.locator('#period').innerText()).to.contain('Period: July 2026 to December 2026');
    expect(await seriousViolations(page)).to.deep.equal([]);

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#csv-measurements').click()]);
    expect(download.suggestedFilename()).to.equal('service-levels-2026-07-2026-12.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFFMeasure,Case no.,Kind,Agency,Month,')).to.equal(true);
    expect(csv).to.contain(`Ticket first response,${ids.late},AD,KKM,2026-11,2026-11-16 09:00,2026-11-18 11:00,20,9,0,No`);

    // The filter form: one agency, one month.
    await page.locator('#from').fill('2026-11');
    await page.locator('#to').fill('2026-11');
    await page.locator('#filters button[type="submit"]').click();
    await page.waitForURL(/from=2026-11&to=2026-11/);
    await page.locator('#period', { hasText: 'November 2026 to November 2026' }).waitFor();
    expect(await page.locator('#summary .card').count()).to.equal(2);

    // The console itself: no desk for this officer, the reports linked from the header.
    await page.goto(`${bot.url}/console`);
    await page.locator('#areas').waitFor({ state: 'visible' });
    expect(await page.locator('#desk').isHidden()).to.equal(true);
    expect(await page.locator('#areas').innerText()).to.contain('No access to the helpdesk desk');
    await page.locator('#reports-link').click();
    await page.waitForURL(/\/console\/reports$/);
    await page.locator('#report').waitFor({ state: 'visible' });
    // The only errors: the console's first question (/me) before sign-in.
    expect(problems.filter((p) => !/status of 401/.test(p))).to.deep.equal([]);
  });
});
