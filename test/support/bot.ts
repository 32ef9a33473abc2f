import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { loadConfig } from '../../infra/config.js';
import { startBot, type RunningBot, type StartOptions } from '../../bot/main.js';

/**
 * Starts the real bot in-process on a free port with its own data folder. `opts` passes start
 * options through, e.g. an injected clock (`{ clock }`) or a CA decorator.
 */
export async function startTestBot(env: Record<string, string> = {}, dataDir?: string, opts: StartOptions = {}): Promise<RunningBot & { dataDir: string }> {
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

/** A real PNG image (a 2×2 grey square), so uploads are checked by their true content. */
export function tinyPng(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  const raw = Buffer.from([0, 128, 128, 0, 128, 128]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
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
