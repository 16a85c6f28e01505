import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { ROOT } from './root.js';

/** The Playground's tenant: users, team and channels (see docs/LOCAL_CHAT.md). */
export const PLAYGROUND_CONFIG = join(ROOT, '.m365agentsplayground.yml');

export interface Playground {
  /** Where a browser opens the Playground, e.g. http://localhost:56150. */
  url: string;
  port: number;
  /** Everything the Playground printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

export interface PlaygroundOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  botEndpoint: string;
  /** 0 = any free port. */
  port: number;
  /** The Playground's own log (it defaults to ./devTools in the working directory). */
  logFile: string;
  /** false keeps the Playground from opening a browser window itself. */
  openBrowser?: boolean;
  startTimeoutMs?: number;
  /** The tenant file (default .m365agentsplayground.yml); see playgroundConfigAs for another current user. */
  configPath?: string;
  /** Called when the Playground process ends on its own (not through stop()). */
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

function playgroundCli(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
}

/**
 * Starts the Microsoft 365 Agents Playground (`agentsplayground -c msteams`) as a child process
 * with the project's tenant configuration, and resolves once it listens.
 */
export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const child = spawn(
    process.execPath,
    [playgroundCli(), '-e', options.botEndpoint, '-c', 'msteams', '--disable-telemetry', '-p', String(options.port)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: options.configPath ?? PLAYGROUND_CONFIG,
        M365_AGENTS_PLAYGROUND_LOGFILE: options.logFile,
        ...(options.openBrowser ? {} : { TEAMSAPPTESTER_BROWSER: 'none' }),
      },
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));

  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => fail(new Error(`the Playground did not start within ${options.startTimeoutMs ?? 30_000} ms:\n${output}`)), options.startTimeoutMs ?? 30_000);
    const poll = setInterval(() => {
      const match = /Listening on (\d+)/.exec(output);
      if (match) done(Number(match[1]));
    }, 50);
    const onExit = (code: number | null) => fail(new Error(`the Playground exited (code ${code}) before listening:\n${output}`));
    child.once('exit', onExit);
    function done(p: number) {
      clearTimeout(timer);
      clearInterval(poll);
      child.off('exit', onExit);
      resolvePort(p);
    }
    function fail(err: Error) {
      clearTimeout(timer);
      clearInterval(poll);
      child.off('exit', onExit);
      child.kill('SIGTERM');
      reject(err);
    }
  });

  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) options.onExit?.(code, signal);
  });
  return {
    url: `http://localhost:${port}`,
    port,
    output: () => output,
    stop: () => {
      stopping = true;
      return stopChild(child);
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

export interface LocaleShim {
  /** The messaging endpoint to give the Playground instead of the bot's. */
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * The Playground stamps every activity with `locale: en-US`, so Schakel would answer in English.
 * This pass-through sets the locale a Dutch Teams client sends, and changes nothing else.
 */
export async function startLocaleShim(botEndpoint: string, locale: string): Promise<LocaleShim> {
  const server: Server = createServer((req, res) => {
    void forward(req, botEndpoint, locale).then(
      ({ status, contentType, body }) => {
        res.writeHead(status, contentType ? { 'content-type': contentType } : {});
        res.end(body);
      },
      (err: unknown) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`bot unreachable: ${(err as Error).message}`);
      },
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/api/messages`,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function forward(req: IncomingMessage, target: string, locale: string) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let body = Buffer.concat(chunks).toString('utf8');
  if (body && String(req.headers['content-type'] ?? '').includes('json')) body = JSON.stringify(withLocale(JSON.parse(body) as Record<string, unknown>, locale));
  const headers: Record<string, string> = { 'content-type': String(req.headers['content-type'] ?? 'application/json') };
  if (req.headers.authorization) headers.authorization = req.headers.authorization;
  const res = await fetch(target, { method: req.method, headers, body: req.method === 'GET' ? undefined : body });
  return { status: res.status, contentType: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

export function withLocale(activity: Record<string, unknown>, locale: string): Record<string, unknown> {
  const entities = Array.isArray(activity.entities)
    ? (activity.entities as Record<string, unknown>[]).map((e) => (e.type === 'clientInfo' ? { ...e, locale, country: locale.split('-')[1] ?? e.country } : e))
    : activity.entities;
  return { ...activity, locale, ...(entities ? { entities } : {}) };
}
