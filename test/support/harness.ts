import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { startSchakel, type Schakel, type StartOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Clock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/log.js';
import { startLocalCosmos, type LocalCosmosServer } from '../../src/store/localCosmos.js';
import { FakeConnector } from './fakeConnector.js';

/** A log line as pino wrote it. */
export type LogLine = Record<string, unknown> & { level: number; msg: string };

/** Collects the process's JSON log lines in memory so tests can assert on them. */
export class LogCapture extends Writable {
  readonly lines: LogLine[] = [];
  readonly raw: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      this.raw.push(line);
      this.lines.push(JSON.parse(line) as LogLine);
    }
    done();
  }
  find(msg: string): LogLine[] {
    return this.lines.filter((l) => l.msg === msg);
  }
}

export interface BotInstance {
  schakel: Schakel;
  url: string;
  logs: LogCapture;
  /** POSTs an activity to /api/messages; returns status and parsed body (invoke responses). */
  send(activity: object, headers?: Record<string, string>): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

export interface Harness {
  cosmos: LocalCosmosServer;
  connector: FakeConnector;
  database: string;
  bot: BotInstance;
  /** Starts another bot instance against the same database and connector (scale-out tests). */
  startInstance(env?: Record<string, string>): Promise<BotInstance>;
  stop(): Promise<void>;
}

/** `graph`: how the bot reaches a fake Graph's token authority (see FakeGraph.authorityHost / ca). */
/** The reminder loop stays off unless asked for: tests advance a ManualClock and call `reminders.scheduler.tick()`. */
export async function startBot(endpoint: string, database: string, env: Record<string, string> = {}, clock?: Clock, graph?: StartOptions['graph'], startScheduler = false): Promise<BotInstance> {
  const logs = new LogCapture();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
    COSMOS_ENDPOINT: endpoint,
    COSMOS_DATABASE: database,
    SHUTDOWN_GRACE_MS: '2000',
    ...env,
  });
  const schakel = await startSchakel(config, createLogger(config.logLevel, logs), { clock, graph, startScheduler });
  const url = `${schakel.url}/api/messages`;
  return {
    schakel,
    url,
    logs,
    send: async (activity, headers = {}) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(activity) });
      const text = await res.text();
      return { status: res.status, body: parseBody(text) };
    },
    stop: () => schakel.stop(),
  };
}

/** Local Cosmos server + fake Bot Connector + one real bot instance, all on random loopback ports. */
export async function startHarness(options: { env?: Record<string, string>; clock?: Clock; graph?: StartOptions['graph']; startScheduler?: boolean } = {}): Promise<Harness> {
  const cosmos = await startLocalCosmos();
  const connector = await new FakeConnector().start();
  const database = `t-${randomUUID().slice(0, 8)}`;
  const instances: BotInstance[] = [];
  const startInstance = async (env: Record<string, string> = {}) => {
    const instance = await startBot(cosmos.endpoint, database, { ...options.env, ...env }, options.clock, options.graph, options.startScheduler);
    instances.push(instance);
    return instance;
  };
  const bot = await startInstance();
  return {
    cosmos,
    connector,
    database,
    bot,
    startInstance,
    stop: async () => {
      for (const i of instances) await i.stop();
      await connector.stop();
      await cosmos.close();
    },
  };
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Waits until the bot carried out every effect that is due: its in-process runs, then (if a run
 * failed on the way, as the loop would find it) passes of the runner's loop.
 */
// Generous: on a shared two-core machine a Teams rate-limit wait plus a loaded CPU can take a while; nothing here is a timing assertion.
export async function effectsSettled(bot: BotInstance, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    await bot.schakel.effects.idle();
    const now = bot.schakel.deps.clock.now().toISOString();
    const { resources } = await bot.schakel.store.containers.effects.items
      .query<number>({ query: 'SELECT VALUE COUNT(1) FROM c WHERE c.nextAt <= @now', parameters: [{ name: '@now', value: now }] })
      .fetchAll();
    if ((resources[0] ?? 0) === 0) return;
    if (Date.now() > until) throw new Error(`effects not carried out within ${timeoutMs} ms`);
    await bot.schakel.effects.tick();
    await new Promise((r) => setTimeout(r, 50));
  }
}
