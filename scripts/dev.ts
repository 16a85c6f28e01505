/**
 * `npm run dev`: Schakel (embedded database, no bot auth) plus the Microsoft 365 Agents
 * Playground, a Teams-like chat in the browser. Ctrl-C stops both. See docs/LOCAL_CHAT.md.
 *
 * Environment: everything `npm start` reads (PORT, LOG_LEVEL, …), plus PLAYGROUND_PORT (56150)
 * and PLAYGROUND_LOCALE (nl-NL; empty = the Playground's own en-US).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSchakel, type Schakel } from '../src/app.js';
import { ConfigError, loadConfig, type Config } from '../src/config.js';
import { createLogger, wantsPretty } from '../src/log.js';
import { PLAYGROUND_CONFIG, startLocaleShim, startPlayground, type LocaleShim, type Playground } from './playground.js';
import { ROOT } from './root.js';
import { parse } from 'yaml';
import { playgroundConfigAs, ROLES } from './playgroundUser.js';

/** `--als <rol>` (or `--as`): which person of the Playground tenant you are (default: Sanne Smit, SMW). */
function chosenPerson(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--als' || a === '--as');
  if (i >= 0) return argv[i + 1];
  return argv.find((a) => a.startsWith('--als=') || a.startsWith('--as='))?.split('=')[1];
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/**
 * The local coordinators, named explicitly from `.m365agentsplayground.yml`: its default user (so a
 * newcomer can link the wijkteam channel right away) and the Servicepunt person (`--als coordinator`).
 */
function playgroundCoordinators(): string {
  const config = parse(readFileSync(PLAYGROUND_CONFIG, 'utf8')) as { currentUser: { id: string; aadObjectId?: string }; users: { id: string; aadObjectId?: string }[] };
  const servicepunt = config.users.find((u) => u.id === ROLES.coordinator);
  return [config.currentUser.aadObjectId, servicepunt?.aadObjectId].filter(Boolean).join(',');
}

function devConfig(): Config {
  try {
    // Loopback by default: without an app id the bot accepts anyone's requests.
    // Coordinators are never "everyone": locally the Playground's own people are named.
    const config = loadConfig({ LOG_LEVEL: 'warn', HOST: '127.0.0.1', COORDINATOR_AAD_IDS: playgroundCoordinators(), ...process.env });
    if (config.bot.appId) fail('MICROSOFT_APP_ID is set, but the Playground sends no Bot Framework token: unset it for local chat.');
    return config;
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
}

async function main(): Promise<void> {
  const config = devConfig();
  let as: ReturnType<typeof playgroundConfigAs>;
  try {
    as = playgroundConfigAs(chosenPerson(process.argv.slice(2)) ?? 'smw');
  } catch (err) {
    fail((err as Error).message);
  }
  const locale = process.env.PLAYGROUND_LOCALE ?? 'nl-NL';
  const playgroundPort = Number(process.env.PLAYGROUND_PORT ?? 56150);
  let schakel: Schakel | undefined;
  let shim: LocaleShim | undefined;
  let playground: Playground | undefined;

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping the Playground and Schakel…\n');
    await playground?.stop();
    await shim?.stop();
    await schakel?.stop();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  try {
    schakel = await startSchakel(config, createLogger(config.logLevel, undefined, wantsPretty(config.logFormat, config.env)));
    const botEndpoint = `${schakel.url}/api/messages`;
    shim = locale ? await startLocaleShim(botEndpoint, locale) : undefined;
    playground = await startPlayground({
      botEndpoint: shim?.endpoint ?? botEndpoint,
      port: playgroundPort,
      logFile: join(ROOT, 'build', 'playground.log'),
      openBrowser: !process.env.CI,
      configPath: as.path,
      // Ctrl-C in a terminal reaches the Playground too; anything else is a crash.
      onExit: (code, signal) => {
        if (signal === 'SIGINT' || signal === 'SIGTERM') return void stop(0);
        process.stderr.write(`The Playground stopped (exit code ${code}).\n`);
        void stop(1);
      },
    });
  } catch (err) {
    process.stderr.write(`Could not start: ${(err as Error).message}\n`);
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') process.stderr.write(`Port ${config.port} is taken: try PORT=3979 npm run dev\n`);
    await stop(1);
    return;
  }

  process.stdout.write(
    [
      '',
      `  Schakel            ${schakel.url}/api/messages  (${config.cosmos.endpoint ? 'database ' + config.cosmos.endpoint : `embedded database, data kept in ${config.dataDir}`})`,
      `  Agents Playground  ${playground.url}  ← open this in your browser`,
      `  Tenant             .m365agentsplayground.yml  (you are ${as.user.name}; team Wijkteam Feijenoord)`,
      `                     another person: npm run dev -- --als casusregisseur | wijkteam | coordinator | smw  (data is kept)`,
      `  Language           ${locale || 'en-US (the Playground default)'}`,
      '',
      '  Type "aanmelden" in the personal chat. Ctrl-C stops both.',
      '',
    ].join('\n'),
  );
}

void main();
