import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import type { Frame, Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface AxeResults {
  passes: unknown[];
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[];
}

/**
 * The serious and critical WCAG 2.1 A/AA violations axe-core finds in the page (or frame) as it is
 * now, one line per element ([] when none). axe is evaluated in the page through the DevTools
 * protocol rather than added as a <script> tag: the pages' CSP (no inline scripts) would refuse the
 * tag, and loosening it for the test would check a page nobody else sees. A run that checked almost
 * nothing proves nothing, so it fails.
 */
export async function seriousViolations(page: Page | Frame): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const r = await page.evaluate(
    (values) =>
      (window as unknown as { axe: { run(c: Document, o: object): Promise<AxeResults> } }).axe.run(document, {
        runOnly: { type: 'tag', values },
      }),
    WCAG_21_AA,
  );
  expect(r.passes.length, 'axe-core checked almost nothing').to.be.greaterThan(5);
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}) at ${JSON.stringify(n.target)}: ${v.help}. ${n.failureSummary ?? ''}`));
}
