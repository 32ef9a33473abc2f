import { pathToFileURL } from 'node:url';
import { loadConfig } from '../../infra/config.js';
import { createLogger } from '../../infra/logger.js';
import { openInfrastructure, seedDirectory } from '../composition/runtime.js';
import { setAgentPassword } from './console-auth.js';

/**
 * `npm run agent:password -- <email>`: sets or resets a helpdesk agent's console password, read
 * from standard input (so it is never in the shell history or the process list).
 */
async function main(): Promise<number> {
  const email = process.argv[2];
  if (!email) {
    process.stderr.write('usage: npm run agent:password -- <email>   (the password is read from standard input)\n');
    return 64;
  }
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  const config = loadConfig();
  const logger = createLogger({ level: 'warn' });
  const infra = await openInfrastructure(config, logger, { now: () => new Date() });
  try {
    await seedDirectory(config, infra, logger);
    const r = await setAgentPassword(
      { directory: infra.store.directory, credentials: infra.agentCredentials, sessions: infra.agentSessions },
      email,
      password,
    );
    if (!r.ok) {
      process.stderr.write(`refused: ${r.reason}\n`);
      return 1;
    }
    process.stdout.write(`password set for ${r.person.name} <${r.person.email ?? email}>; ${r.sessionsEnded} console session(s) ended\n`);
    return 0;
  } finally {
    await infra.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
