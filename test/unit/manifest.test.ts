import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { BOT_COMMANDS, commandsFor, type CommandScope } from '../../src/bot/commands.js';
import { ROOT } from '../../scripts/root.js';
import {
  buildTeamsApp,
  DEFAULT_TEAMS_APP_ID,
  iconProblems,
  manifestVars,
  MANIFEST_DIR,
  PACKAGE_FILE,
  PLACEHOLDER_BOT_ID,
  renderManifest,
  validateManifest,
} from '../../scripts/teamsApp.js';

const APP_ID = '1f0e9d8c-7b6a-4e5d-9c4b-3a2f1e0d9c8b';
const template = readFileSync(join(MANIFEST_DIR, 'manifest.json'), 'utf8');
const rendered = () => renderManifest(manifestVars({ MICROSOFT_APP_ID: APP_ID, BOT_DOMAIN: 'schakel.gemeente.example' }).vars);

type Bot = { botId: string; scopes: string[]; supportsFiles: boolean; commandLists: { scopes: CommandScope[]; commands: { title: string; description: string }[] }[] };
const botOf = (m: Record<string, unknown>) => (m.bots as Bot[])[0]!;

describe('the Teams app manifest', () => {
  it('is a template: the bot id is filled in from MICROSOFT_APP_ID at packaging time', () => {
    expect(JSON.parse(template).bots[0].botId).toBe('${{MICROSOFT_APP_ID}}');
    expect(botOf(rendered()).botId).toBe(APP_ID);
    const unset = manifestVars({});
    expect(unset.vars.MICROSOFT_APP_ID).toBe(PLACEHOLDER_BOT_ID);
    expect(unset.warnings.join(' ')).toContain('MICROSOFT_APP_ID is not set');
    expect(manifestVars({ MICROSOFT_APP_ID: 'my-bot' }).errors.join(' ')).toContain('MICROSOFT_APP_ID must be');
    expect(() => renderManifest(manifestVars({}).vars, '{"id": "${{NOT_A_VARIABLE}}"}')).toThrow(/NOT_A_VARIABLE/);
  });

  it('validates against the bundled JSON schema of its version, offline', async () => {
    const manifest = rendered();
    expect(manifest.manifestVersion).toBe('1.29');
    expect(manifest.$schema).toBe('https://developer.microsoft.com/json-schemas/teams/v1.29/MicrosoftTeams.schema.json');
    expect(await validateManifest(manifest)).toEqual([]);
    expect(await validateManifest(renderManifest(manifestVars({}).vars))).toEqual([]);
  });

  it('has a validator that really rejects a broken manifest', async () => {
    const broken = rendered();
    broken.name = { short: 'Schakel, de app die elke aanmelding bijhoudt' };
    (broken.developer as Record<string, unknown>).privacyUrl = undefined;
    botOf(broken).botId = 'not-a-guid';
    const errors = (await validateManifest(JSON.parse(JSON.stringify(broken)) as Record<string, unknown>)).join('\n');
    expect(errors).toContain('/name/short');
    expect(errors).toContain('privacyUrl');
    expect(errors).toContain('/bots/0/botId');
  });

  it('speaks Dutch and fits the name and description limits', () => {
    const m = rendered() as { name: { short: string; full: string }; description: { short: string; full: string }; localizationInfo: { defaultLanguageTag: string }; accentColor: string; developer: Record<string, string>; validDomains: string[] };
    expect(m.localizationInfo.defaultLanguageTag).toBe('nl-nl');
    expect(m.name.short.length).toBeLessThanOrEqual(30);
    expect(m.name.full).toMatch(/wijkteam/);
    expect(m.description.short.length).toBeLessThanOrEqual(80);
    expect(m.description.full).toMatch(/schoolmaatschappelijk werker/);
    expect(m.accentColor).toMatch(/^#[0-9A-F]{6}$/i);
    for (const url of ['websiteUrl', 'privacyUrl', 'termsOfUseUrl']) expect(m.developer[url]).toMatch(/^https:\/\//);
    expect(m.validDomains).toEqual(['schakel.gemeente.example']);
  });

  it('offers the bot in personal chat, teams and group chats, without files', () => {
    const bot = botOf(rendered());
    expect([...bot.scopes].sort()).toEqual(['groupChat', 'personal', 'team']);
    expect(bot.supportsFiles).toBe(false);
  });

  it('lists exactly the commands the bot knows, per scope and in menu order', () => {
    const bot = botOf(rendered());
    for (const scope of ['personal', 'team', 'groupChat'] as const) {
      const lists = bot.commandLists.filter((l) => l.scopes.includes(scope));
      expect(lists, scope).toHaveLength(1);
      expect(lists[0]!.commands).toEqual(commandsFor(scope).map(({ title, description }) => ({ title, description })));
    }
    expect(commandsFor('personal').map((c) => c.title)).toEqual(['aanmelden', 'concepten', 'mijn casussen', 'status', 'afspraken', 'overdracht', 'toestemming', 'afsluiten', 'e-mails', 'help']);
    expect(commandsFor('team').map((c) => c.title)).toEqual(['koppel wijkteam', 'koppel coördinatoren', 'help']);
    expect(commandsFor('groupChat').map((c) => c.title)).toEqual(['help']);
    for (const c of BOT_COMMANDS) {
      expect(c.title.length, c.title).toBeLessThanOrEqual(32);
      expect(c.description.length, c.title).toBeLessThanOrEqual(128);
    }
  });
});

describe('the icons', () => {
  const color = readFileSync(join(MANIFEST_DIR, 'color.png'));
  const outline = readFileSync(join(MANIFEST_DIR, 'outline.png'));

  it('are 192×192 (colour) and 32×32 (outline)', () => {
    expect(PNG.sync.read(color)).toMatchObject({ width: 192, height: 192 });
    expect(PNG.sync.read(outline)).toMatchObject({ width: 32, height: 32 });
    expect(iconProblems(color, outline)).toEqual([]);
  });

  it('has an outline that is white on a transparent background', () => {
    const png = PNG.sync.read(outline);
    const alpha = (x: number, y: number) => png.data[(y * 32 + x) * 4 + 3];
    for (const [x, y] of [[0, 0], [31, 0], [0, 31], [31, 31]] as const) expect(alpha(x, y)).toBe(0);
    let opaque = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      if (png.data[i + 3] === 0) continue;
      expect([png.data[i], png.data[i + 1], png.data[i + 2]]).toEqual([255, 255, 255]);
      if (png.data[i + 3] === 255) opaque++;
    }
    expect(opaque).toBeGreaterThan(50);
  });

  it('rejects an outline icon with a background or in colour', () => {
    const solid = new PNG({ width: 32, height: 32 });
    solid.data.fill(255);
    expect(iconProblems(color, PNG.sync.write(solid))).toContain('outline.png must have a transparent background');
    const grey = PNG.sync.read(outline);
    for (let i = 0; i < grey.data.length; i += 4) if (grey.data[i + 3]) grey.data[i] = 128;
    expect(iconProblems(color, PNG.sync.write(grey)).join()).toContain('must be white');
  });
});

describe('the app package', () => {
  it('contains exactly manifest.json, color.png and outline.png, manifest filled in and valid', async () => {
    const { zip, manifest } = await buildTeamsApp({ MICROSOFT_APP_ID: APP_ID });
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const packed = JSON.parse(new TextDecoder().decode(files['manifest.json'])) as Record<string, unknown>;
    expect(packed).toEqual(manifest);
    expect(botOf(packed).botId).toBe(APP_ID);
    expect(packed.id).toBe(DEFAULT_TEAMS_APP_ID);
    expect(JSON.stringify(packed)).not.toContain('${{');
    expect(await validateManifest(packed)).toEqual([]);
    expect(Buffer.from(files['color.png']!)).toEqual(readFileSync(join(MANIFEST_DIR, 'color.png')));
    expect(Buffer.from(files['outline.png']!)).toEqual(readFileSync(join(MANIFEST_DIR, 'outline.png')));
  });

  it('is written by `npm run package`, which refuses a malformed app id', async () => {
    const run = promisify(execFile);
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
    const { stdout } = await run(tsx, ['scripts/package-app.ts'], { cwd: ROOT, env: { ...process.env, MICROSOFT_APP_ID: APP_ID } });
    expect(stdout).toContain('build/schakel-teams-app.zip');
    const files = unzipSync(new Uint8Array(readFileSync(PACKAGE_FILE)));
    expect(botOf(JSON.parse(new TextDecoder().decode(files['manifest.json'])) as Record<string, unknown>).botId).toBe(APP_ID);
    await expect(run(tsx, ['scripts/package-app.ts'], { cwd: ROOT, env: { ...process.env, MICROSOFT_APP_ID: 'schakel-bot' } })).rejects.toMatchObject({
      stderr: expect.stringContaining('MICROSOFT_APP_ID must be'),
    });
  });
});
