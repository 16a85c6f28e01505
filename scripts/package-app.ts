/**
 * `npm run package`: builds build/schakel-teams-app.zip (manifest.json, color.png, outline.png)
 * from manifest/, after validating the manifest offline against its JSON schema and the icons
 * against Teams' rules. Environment: MICROSOFT_APP_ID (the bot's Entra app id), optional
 * TEAMS_APP_ID and BOT_DOMAIN; see docs/LOCAL_CHAT.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { ROOT } from './root.js';
import { buildTeamsApp, PACKAGE_FILE } from './teamsApp.js';

try {
  const { manifest, zip, warnings } = await buildTeamsApp();
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  mkdirSync(dirname(PACKAGE_FILE), { recursive: true });
  writeFileSync(PACKAGE_FILE, zip);
  const bot = (manifest.bots as { botId: string }[])[0]?.botId;
  process.stdout.write(`${relative(ROOT, PACKAGE_FILE)}: manifest ${String(manifest.manifestVersion)} valid, app ${String(manifest.id)} v${String(manifest.version)}, bot ${bot}, ${zip.length} bytes\n`);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
