import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type Config } from '../../infra/config.js';
import { ensurePrivateDir } from '../../infra/store/embedded/data-dir.js';

/** The secret for signed file links: configured, or one made for this data folder and kept there. */
export function fileLinkSecret(config: Config): string {
  return config.fileLinkSecret ?? keptSecret(config.dataDir, '.file-link-secret');
}

/**
 * The Direct Line secret (signs tokens; Bearer secret of tokens/generate): configured, or one made
 * for this data folder, so every instance sharing DATA_DIR accepts the others' tokens.
 */
export function directLineSecret(config: Config): string {
  return config.directLine.secret ?? keptSecret(config.dataDir, '.directline-secret');
}

/** The secret that signs helpdesk console sessions: configured, or one made for this data folder. */
export function consoleSecret(config: Config): string {
  return config.agents.consoleSecret ?? keptSecret(config.dataDir, '.console-secret');
}

/**
 * The secret the kept training private keys are sealed under: configured, or one made for this
 * data folder. Losing it makes undelivered training keys unreadable (they are then replaced).
 */
export function keyEscrowSecret(config: Config): string {
  return config.keyEscrowSecret ?? keptSecret(config.dataDir, '.key-escrow-secret');
}

/**
 * The secret the CA private keys are sealed under in the store: configured, or with the embedded
 * store one made for this data folder. With MongoDB it must be configured: every host has to open
 * the same CA keys, and a secret made on one host is unknown to the others.
 */
export function caKeySecret(config: Config): string {
  if (config.caKeySecret) return config.caKeySecret;
  if (config.mongo)
    throw new ConfigError([{ key: 'CA_KEY_SECRET', reason: 'required when MONGODB_URI is set (every host must open the same CA keys)' }]);
  return keptSecret(config.dataDir, '.ca-key-secret');
}

function keptSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    const secret = randomBytes(32).toString('base64url');
    ensurePrivateDir(dataDir);
    // 0600: only the bot's user may read it. 'wx': when two instances start at once, the loser
    // reads the winner's secret instead of overwriting it.
    try {
      writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
      return secret;
    } catch {
      return readFileSync(file, 'utf8').trim();
    }
  }
}
