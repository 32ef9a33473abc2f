import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import JSZip from 'jszip';
import {
  buildManifest,
  checkIcons,
  ManifestSettingError,
  packageApp,
  uuidV5,
  validateApp,
  validateLocalization,
  validateManifest,
  type AppPackage,
  type ValidationIssue,
} from '../../manifest/build.js';
import { colorIcon } from '../../manifest/icons.js';
import { decodePng, encodePng } from '../../manifest/png.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BOT_ID = '3f2b8c1d-5e6a-4b7c-8d9e-0a1b2c3d4e5f';
const PUBLIC_URL = 'https://bot.example.gov.my';
const MALAY = ['menu', 'bantuan', 'status', 'tugasan', 'batal', 'English'];
const ENGLISH = ['menu', 'help', 'status', 'tasks', 'cancel', 'Bahasa Melayu'];

type J = Record<string, any>;

/** Width and height straight from the IHDR bytes, independent of the project's PNG code. */
function ihdrSize(png: Buffer): [number, number] {
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'PNG signature').to.equal(true);
  expect(png.toString('latin1', 12, 16)).to.equal('IHDR');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

function paths(issues: ValidationIssue[]): string[] {
  return issues.map((i) => i.path);
}

/** Runs `npm run manifest -- …` with only the given environment (plus PATH/HOME for npm itself). */
function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'manifest', '--', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('Teams app package (manifest/)', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const tmp = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-manifest-'));
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  const fresh = (): AppPackage => buildManifest({ botId: BOT_ID, publicUrl: PUBLIC_URL });

  describe('a build with a test bot id', () => {
    let zip: JSZip;
    let manifest: J;
    let en: J;

    before(async () => {
      const file = await packageApp(fresh(), tmp());
      expect(path.basename(file)).to.equal(
        `mygpki-helpdesk-${JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}.zip`,
      );
      zip = await JSZip.loadAsync(readFileSync(file));
      manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
      en = JSON.parse(await zip.file('en.json')!.async('string'));
    });

    it('puts manifest.json, en.json and both icons at the zip root', () => {
      expect(Object.keys(zip.files).sort()).to.deep.equal(['color.png', 'en.json', 'manifest.json', 'outline.png']);
    });

    it('writes a manifest.json (and en.json) that pass the offline schema validation', async () => {
      expect(manifest.manifestVersion).to.equal('1.22');
      expect(await validateManifest(manifest)).to.deep.equal([]);
      expect(await validateLocalization('en.json', en, manifest)).to.deep.equal([]);
    });

    it('names the bot, both scopes, files support and the valid domain', () => {
      const bot = manifest.bots[0];
      expect(bot.botId).to.equal(BOT_ID);
      expect(bot.scopes).to.include.members(['personal', 'team']);
      expect(bot.supportsFiles).to.equal(true);
      expect(bot.isNotificationOnly).to.equal(false);
      expect(manifest.validDomains).to.deep.equal(['bot.example.gov.my']);
    });

    it('derives a stable app id from the bot id, distinct per bot', () => {
      expect(manifest.id).to.equal(uuidV5(`teams-app:${BOT_ID}`));
      expect(buildManifest({ botId: BOT_ID }).manifest.id).to.equal(manifest.id);
      expect(buildManifest({ botId: '00000000-0000-0000-0000-000000000001' }).manifest.id).to.not.equal(manifest.id);
      expect(buildManifest({ botId: BOT_ID, appId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' }).manifest.id).to.equal(
        'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      );
    });

    it('lists the commands in Malay for each scope and translates them to English', () => {
      expect(manifest.localizationInfo.defaultLanguageTag).to.equal('ms');
      expect(manifest.localizationInfo.additionalLanguages).to.deep.equal([{ languageTag: 'en', file: 'en.json' }]);
      const lists: J[] = manifest.bots[0].commandLists;
      expect(lists.flatMap((l) => l.scopes).sort()).to.deep.equal(['personal', 'team']);
      lists.forEach((list, li) => {
        expect(list.commands.map((c: J) => c.title)).to.deep.equal(MALAY);
        const english = list.commands.map((_: J, ci: number) => en[`bots[0].commandLists[${li}].commands[${ci}].title`]);
        expect(english).to.deep.equal(ENGLISH);
        list.commands.forEach(
          (_: J, ci: number) => expect(en[`bots[0].commandLists[${li}].commands[${ci}].description`]).to.be.a('string').and.not.empty,
        );
      });
      expect(manifest.name.short).to.equal('Meja Bantuan MyGPKI');
      expect(en['name.short']).to.equal('MyGPKI Helpdesk');
    });

    it('ships a 192×192 colour icon and a 32×32 outline icon of white and transparent pixels only', async () => {
      const color = await zip.file(manifest.icons.color)!.async('nodebuffer');
      const outline = await zip.file(manifest.icons.outline)!.async('nodebuffer');
      expect(ihdrSize(color)).to.deep.equal([192, 192]);
      expect(ihdrSize(outline)).to.deep.equal([32, 32]);
      const img = decodePng(outline);
      let visible = 0;
      for (let i = 0; i < img.rgba.length; i += 4) {
        const [r, g, b, a] = img.rgba.subarray(i, i + 4);
        if (a === 0) continue;
        visible++;
        expect([r, g, b], `pixel ${i / 4}`).to.deep.equal([255, 255, 255]);
      }
      expect(visible, 'the outline draws something').to.be.greaterThan(100);
    });
  });

  describe('validation errors', () => {
    it('reports a bad version, a missing field, a bad bot id and a too-long short name by path', async () => {
      const { manifest } = fresh();
      const m = manifest as J;
      m.version = '1.0';
      delete m.developer;
      m.bots[0].botId = 'not-a-guid';
      m.name.short = 'Meja Bantuan MyGPKI Kementerian X';
      const issues = await validateManifest(manifest);
      expect(paths(issues)).to.include.members(['/version', '/developer', '/bots/0/botId', '/name/short']);
      expect(issues.every((i) => i.file === 'manifest.json' && i.message.length > 0)).to.equal(true);
    });

    it('reports an unsupported manifest version and a bad accent colour', async () => {
      const m = fresh().manifest as J;
      m.manifestVersion = '1.2';
      m.accentColor = 'blue';
      expect(paths(await validateManifest(m))).to.include.members(['/manifestVersion', '/accentColor']);
    });

    it('refuses a schema it does not ship instead of fetching it', async () => {
      const m = fresh().manifest as J;
      m.$schema = 'https://example.com/schema.json';
      const issues = await validateManifest(m);
      expect(issues).to.have.length(1);
      expect(issues[0]).to.include({ path: '/$schema' });
      expect(issues[0].message).to.contain('offline');
    });

    it('checks the localization file against its schema and the manifest', async () => {
      const app = fresh();
      app.localizations['en.json']['name.short'] = 'x'.repeat(31);
      delete app.localizations['en.json']['bots[0].commandLists[1].commands[0].title'];
      app.localizations['en.json']['bots[0].commandLists[2].commands[0].title'] = 'extra';
      const issues = (await validateApp(app)).filter((i) => i.file === 'en.json');
      expect(paths(issues)).to.include.members([
        '/name.short',
        '/bots[0].commandLists[1].commands[0].title',
        '/bots[0].commandLists[2].commands[0].title',
      ]);
    });

    it('flags icons of the wrong size or an outline with colour', () => {
      const { manifest } = fresh();
      const issues = checkIcons(manifest, {
        'color.png': encodePng({ width: 96, height: 96, rgba: new Uint8Array(96 * 96 * 4) }),
        'outline.png': colorIcon(),
      });
      const text = issues.map((i) => `${i.file}: ${i.message}`).join('\n');
      expect(text).to.contain('color.png: must be 192×192 pixels (is 96×96)');
      expect(text).to.contain('outline.png: must be 32×32 pixels (is 192×192)');
      expect(text).to.match(/outline\.png: must be white on transparent/);
    });

    it('refuses to package an invalid app and writes nothing', async () => {
      const app = fresh();
      (app.manifest as J).version = 'v2';
      const out = tmp();
      let error: unknown;
      await packageApp(app, out).catch((e) => (error = e));
      expect((error as { issues: ValidationIssue[] }).issues.map((i) => i.path)).to.deep.equal(['/version']);
      expect(readdirSync(out)).to.deep.equal([]);
    });

    it('names the missing bot id setting', () => {
      expect(() => buildManifest({ botId: '' })).to.throw(ManifestSettingError, /MicrosoftAppId.*--bot-id/);
    });
  });

  describe('PNG codec', () => {
    it('round-trips an image through every filter type', () => {
      const width = 37;
      const height = 23;
      const rgba = new Uint8Array(width * height * 4);
      for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 7 + ((i * i) % 13) * 19) & 0xff;
      for (const filter of [undefined, 0, 1, 2, 3, 4] as const) {
        const back = decodePng(encodePng({ width, height, rgba }, { filter }));
        expect(Buffer.from(back.rgba).equals(Buffer.from(rgba)), `filter ${filter ?? 'adaptive'}`).to.equal(true);
      }
    });
  });

  describe('npm run manifest', () => {
    it('builds from flags, validates and writes the zip', async () => {
      const out = tmp();
      const r = await runCli(['--bot-id', BOT_ID, '--public-url', PUBLIC_URL, '--out', out]);
      expect(r.code, r.stderr).to.equal(0);
      const [file] = readdirSync(out);
      expect(file).to.match(/^mygpki-helpdesk-\d+\.\d+\.\d+\.zip$/);
      const zip = await JSZip.loadAsync(readFileSync(path.join(out, file)));
      const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
      expect(manifest.bots[0].botId).to.equal(BOT_ID);
      expect(manifest.validDomains).to.deep.equal(['bot.example.gov.my']);
      expect(r.stdout).to.contain(path.join(out, file));
    });

    it('falls back to MicrosoftAppId and PUBLIC_URL from the configuration', async () => {
      const out = tmp();
      const r = await runCli(['--out', out, '--version', '2.3.4'], {
        MicrosoftAppId: BOT_ID,
        PUBLIC_URL: 'https://chat.agensi.gov.my/bot',
      });
      expect(r.code, r.stderr).to.equal(0);
      const zip = await JSZip.loadAsync(readFileSync(path.join(out, 'mygpki-helpdesk-2.3.4.zip')));
      const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
      expect(manifest.bots[0].botId).to.equal(BOT_ID);
      expect(manifest.version).to.equal('2.3.4');
      expect(manifest.validDomains).to.deep.equal(['chat.agensi.gov.my']);
    });

    it('exits 1 and prints the schema errors for an invalid override, writing nothing', async () => {
      const out = tmp();
      const r = await runCli(['--bot-id', 'not-a-guid', '--version', '1.0', '--public-url', PUBLIC_URL, '--out', out]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain('manifest.json /bots/0/botId: must match pattern');
      expect(r.stderr).to.contain('manifest.json /version: must be a semantic version');
      expect(existsSync(out) ? readdirSync(out) : []).to.deep.equal([]);
    });

    it('exits 1 naming MicrosoftAppId when no bot id is configured', async () => {
      const r = await runCli(['--out', tmp()]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain('MicrosoftAppId');
      expect(r.stderr).to.contain('--bot-id');
    });
  });
});
