import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import appManifest from '@microsoft/app-manifest';
import { zipSync } from 'fflate';
import { PNG } from 'pngjs';
import { ROOT } from './root.js';

export const MANIFEST_DIR = join(ROOT, 'manifest');
export const PACKAGE_FILE = join(ROOT, 'build', 'schakel-teams-app.zip');

/** Stands in for the bot's Entra app id when MICROSOFT_APP_ID is unset: fine to validate, never to install. */
export const PLACEHOLDER_BOT_ID = '00000000-0000-0000-0000-000000000000';
/** The Teams app's own id: stable across builds so an upload replaces the earlier version. */
export const DEFAULT_TEAMS_APP_ID = '6422e40a-cae6-4da3-990d-ff591286afa9';
export const DEFAULT_BOT_DOMAIN = 'schakel.example.org';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(\*\.)?([a-z0-9-]+\.)+[a-z]{2,}$/i;

/** The `${{NAME}}` placeholders of manifest/manifest.json. */
export interface ManifestVars {
  MICROSOFT_APP_ID: string;
  TEAMS_APP_ID: string;
  APP_VERSION: string;
  BOT_DOMAIN: string;
}

/** Reads the placeholders' values from the environment; a wrong value is an error, a missing one a default with a warning. */
export function manifestVars(env: NodeJS.ProcessEnv = process.env): { vars: ManifestVars; warnings: string[]; errors: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const appId = env.MICROSOFT_APP_ID?.trim() || undefined;
  if (!appId) warnings.push(`MICROSOFT_APP_ID is not set: the package carries the placeholder bot id ${PLACEHOLDER_BOT_ID} and cannot be installed in Teams.`);
  else if (!GUID.test(appId)) errors.push(`MICROSOFT_APP_ID must be the bot's Entra app (client) id, a GUID; got "${appId}".`);
  const teamsAppId = env.TEAMS_APP_ID?.trim() || DEFAULT_TEAMS_APP_ID;
  if (!GUID.test(teamsAppId)) errors.push(`TEAMS_APP_ID must be a GUID; got "${teamsAppId}".`);
  const domain = env.BOT_DOMAIN?.trim() || DEFAULT_BOT_DOMAIN;
  if (!env.BOT_DOMAIN?.trim()) warnings.push(`BOT_DOMAIN is not set: validDomains lists the placeholder ${DEFAULT_BOT_DOMAIN}.`);
  else if (!DOMAIN.test(domain)) errors.push(`BOT_DOMAIN must be a host name such as schakel.example.nl (no scheme, no path); got "${domain}".`);
  return { vars: { MICROSOFT_APP_ID: appId ?? PLACEHOLDER_BOT_ID, TEAMS_APP_ID: teamsAppId, APP_VERSION: pkg.version, BOT_DOMAIN: domain }, warnings, errors };
}

/** The manifest template with every `${{NAME}}` filled in. An unknown placeholder is an error, not an empty string. */
export function renderManifest(vars: ManifestVars, template = readFileSync(join(MANIFEST_DIR, 'manifest.json'), 'utf8')): Record<string, unknown> {
  const filled = template.replace(/\$\{\{\s*([A-Z0-9_]+)\s*\}\}/g, (_, name: string) => {
    if (!(name in vars)) throw new Error(`manifest.json uses \${{${name}}}, which packaging does not know`);
    return vars[name as keyof ManifestVars];
  });
  return JSON.parse(filled) as Record<string, unknown>;
}

/** The JSON schema of the manifest's version, from the copies bundled in @microsoft/app-manifest: no network. */
export function bundledSchema(manifestVersion: string): object {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@microsoft/app-manifest/package.json'));
  const file = join(root, 'build', 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
  return JSON.parse(readFileSync(file, 'utf8')) as object;
}

/** Schema errors of a rendered manifest (empty when valid), checked offline. */
export async function validateManifest(manifest: Record<string, unknown>): Promise<string[]> {
  const schema = bundledSchema(String(manifest.manifestVersion));
  type Manifest = Parameters<typeof appManifest.AppManifestUtils.validateAgainstSchema>[0];
  type Schema = Parameters<typeof appManifest.AppManifestUtils.validateAgainstSchema>[1];
  return appManifest.AppManifestUtils.validateAgainstSchema(manifest as unknown as Manifest, schema as Schema);
}

/** What Teams demands of the two icons: sizes, and an outline that is white on transparent. */
export function iconProblems(color: Buffer, outline: Buffer): string[] {
  const problems: string[] = [];
  const c = PNG.sync.read(color);
  const o = PNG.sync.read(outline);
  if (c.width !== 192 || c.height !== 192) problems.push(`color.png must be 192×192, is ${c.width}×${c.height}`);
  if (o.width !== 32 || o.height !== 32) problems.push(`outline.png must be 32×32, is ${o.width}×${o.height}`);
  let visible = 0;
  let transparent = 0;
  for (let i = 0; i < o.data.length; i += 4) {
    const alpha = o.data[i + 3] ?? 0;
    if (alpha === 0) {
      transparent++;
      continue;
    }
    visible++;
    if (o.data[i] !== 255 || o.data[i + 1] !== 255 || o.data[i + 2] !== 255) {
      problems.push('outline.png must be white (#FFFFFF) wherever it is not transparent');
      break;
    }
  }
  if (visible === 0) problems.push('outline.png is empty');
  if (transparent === 0) problems.push('outline.png must have a transparent background');
  return problems;
}

/** The app package: exactly manifest.json and the two icons at the zip's root. */
export function zipPackage(manifest: Record<string, unknown>, color: Buffer, outline: Buffer): Uint8Array {
  const icons = manifest.icons as { color: string; outline: string };
  return zipSync(
    {
      'manifest.json': new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
      [icons.color]: new Uint8Array(color),
      [icons.outline]: new Uint8Array(outline),
    },
    // A fixed time keeps the zip byte-identical for identical input.
    { level: 9, mtime: new Date('2024-01-01T00:00:00Z') },
  );
}

export interface BuiltPackage {
  manifest: Record<string, unknown>;
  zip: Uint8Array;
  warnings: string[];
}

/** Renders, validates and zips; throws with every problem listed when anything is wrong. */
export async function buildTeamsApp(env: NodeJS.ProcessEnv = process.env): Promise<BuiltPackage> {
  const { vars, warnings, errors } = manifestVars(env);
  if (errors.length > 0) throw new Error(`Cannot package the Teams app:\n  - ${errors.join('\n  - ')}`);
  const manifest = renderManifest(vars);
  const icons = manifest.icons as { color: string; outline: string };
  const color = readFileSync(join(MANIFEST_DIR, icons.color));
  const outline = readFileSync(join(MANIFEST_DIR, icons.outline));
  const problems = [...(await validateManifest(manifest)), ...iconProblems(color, outline)];
  if (problems.length > 0) throw new Error(`The Teams app is not valid:\n  - ${problems.join('\n  - ')}`);
  return { manifest, zip: zipPackage(manifest, color, outline), warnings };
}
