/**
 * `npm run csr:check -- <file> --type <single|multi|wildcard> --domain <name> [--domain <name> ...]`
 *
 * The bot's CSR checks outside the chat, for technical officers and operators: prints the verdict
 * and every problem's code with its explanation in Malay and English; exits 0 when the request is
 * acceptable, 1 when it is not, 2 on a usage error. Key reuse needs the bot's store, so it is
 * checked only in the chat.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { assessCsr, SERVER_CERT_TYPES, type ServerCertType } from '../../domain/rules/server-csr.js';
import { t } from '../../ui/i18n/index.js';
import { errorText } from '../../ui/errors.js';
import { loadConfig } from '../../infra/config.js';
import { readCsr } from '../../infra/ca/csr-facts.js';

/** `env` defaults to the process's environment, which only infra/config.ts reads. */
export function csrCheck(argv: string[], env?: Record<string, string | undefined>): { code: 0 | 1 | 2; out: string[] } {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { type: { type: 'string' }, domain: { type: 'string', multiple: true } },
    });
  } catch (e) {
    return usage((e as Error).message);
  }
  const file = args.positionals[0];
  const type = args.values.type as ServerCertType | undefined;
  const domains = args.values.domain ?? [];
  if (!file || !type || !SERVER_CERT_TYPES.includes(type) || domains.length === 0) return usage();
  const config = env ? loadConfig(env) : loadConfig();
  let bytes: Buffer;
  try {
    if (statSync(file).size > config.uploadMaxBytes) bytes = Buffer.alloc(config.uploadMaxBytes + 1);
    else bytes = readFileSync(file);
  } catch (e) {
    return usage(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const problems = assessCsr(readCsr(bytes), {
    type,
    domains,
    allowedSuffixes: config.serverCert.domainSuffixes,
    keySeenBefore: false,
    sizeBytes: bytes.length,
    maxBytes: config.uploadMaxBytes,
  });
  if (problems.length === 0) return { code: 0, out: [`OK ${t('ms', 'csrCheck.ok')} / ${t('en', 'csrCheck.ok')}`] };
  const out = [
    `REFUSED ${t('ms', 'csrCheck.refused', { count: problems.length })} / ${t('en', 'csrCheck.refused', { count: problems.length })}`,
  ];
  for (const p of problems) {
    out.push(
      `${p.code}`,
      `  ms: ${errorText('ms', 'csrProblem', p.code, { params: p.params })}`,
      `  en: ${errorText('en', 'csrProblem', p.code, { params: p.params })}`,
    );
  }
  return { code: 1, out };
}

function usage(reason?: string): { code: 2; out: string[] } {
  return {
    code: 2,
    out: [
      ...(reason ? [reason] : []),
      'usage: npm run csr:check -- <file> --type <single|multi|wildcard> --domain <name> [--domain <name> ...]',
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { code, out } = csrCheck(process.argv.slice(2));
  (code === 2 ? console.error : console.log)(out.join('\n'));
  process.exitCode = code;
}
