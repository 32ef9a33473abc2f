import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../infra/config.js';
import { randomBytes } from 'node:crypto';
import { encodePng, PNG_SIGNATURE, pngChunk } from '../../manifest/png.js';
import { startBot, type RunningBot, type StartOptions } from '../../bot/main.js';

/**
 * Starts the real bot in-process on a free port with its own data folder. `opts` passes start
 * options through, e.g. an injected clock (`{ clock }`) or a CA decorator.
 */
export async function startTestBot(
  env: Record<string, string> = {},
  dataDir?: string,
  opts: StartOptions = {},
): Promise<RunningBot & { dataDir: string }> {
  const dir = dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'gpki-e2e-'));
  const config = loadConfig({ DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'silent', ...env });
  const bot = await startBot(config, opts);
  // Tests start once the bot says it is ready (the CA's first start makes its keys).
  for (let i = 0; i < 600; i++) {
    if ((await fetch(`${bot.url}/readyz`)).status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Object.assign(bot, { dataDir: dir });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A real PNG image (a 32×32 grey square, above the 16-pixel minimum), so uploads are checked by their true content. */
export function tinyPng(): Buffer {
  return encodePng({ width: 32, height: 32, rgba: new Uint8Array(32 * 32 * 4).fill(128) });
}

/**
 * A "decompression bomb": about 65 KB whose (valid, CRC-checked) header claims 60000×60000 pixels,
 * which a browser would try to allocate gigabytes for.
 */
export function bombPng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(60_000, 0);
  ihdr.writeUInt32BE(60_000, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', randomBytes(64 * 1024)),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

/** A clock tests move by hand: starts at `start` (default now) and stays there until told. */
export class TestClock {
  private t: number;
  constructor(start: Date = new Date()) {
    this.t = start.getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  set(d: Date): void {
    this.t = d.getTime();
  }
  advanceDays(days: number): void {
    this.t += days * 86_400_000;
  }
}
