import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../src/log.js';
import { openStore, type Store } from '../../src/store/cosmos.js';
import { startLocalCosmos, type LocalCosmosServer } from '../../src/store/localCosmos.js';
import { FakeConnector } from './fakeConnector.js';

const CHILD = fileURLToPath(new URL('./botChild.ts', import.meta.url));

/** A bot in its own process (see botChild.ts), to be killed at a random moment. */
export interface Child {
  process: ChildProcess;
  send(activity: object): Promise<{ status: number; body: unknown }>;
}

/** Starts bots in child processes against one Cosmos server and database; kills what is left at the end. */
export class CrashChildren {
  private readonly all = new Set<ChildProcess>();

  constructor(private readonly env: { cosmosUrl: string; database: string; coordinator: string }) {}

  start(): Promise<Child> {
    // tsx's ESM loader only: its CommonJS hook would slow loading botbuilder and the Cosmos client threefold.
    const child = spawn(process.execPath, ['--import', 'tsx/esm', CHILD], {
      env: { ...process.env, CHILD_COSMOS_URL: this.env.cosmosUrl, CHILD_DATABASE: this.env.database, CHILD_COORDINATOR: this.env.coordinator },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.all.add(child);
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.stdout?.on('data', (chunk: Buffer) => {
        const url = /ready (\S+)/.exec(chunk.toString())?.[1];
        if (!url) return;
        resolve({
          process: child,
          send: async (activity) => {
            const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
            const text = await res.text();
            return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
          },
        });
      });
    });
  }

  killAll(): void {
    for (const child of this.all) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

export const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a crash test runs against: its own Cosmos server and database, a fake connector, and the bots it starts. */
export interface CrashRig {
  cosmos: LocalCosmosServer;
  connector: FakeConnector;
  store: Store;
  children: CrashChildren;
  close(): Promise<void>;
}

export async function startCrashRig(database: string, coordinator: string): Promise<CrashRig> {
  const cosmos = await startLocalCosmos();
  const connector = await new FakeConnector().start();
  const store = await openStore({ endpoint: cosmos.endpoint, database }, createLogger('silent'));
  const children = new CrashChildren({ cosmosUrl: cosmos.endpoint, database, coordinator });
  return {
    cosmos,
    connector,
    store,
    children,
    close: async () => {
      children.killAll();
      await store.close();
      await connector.stop();
      await cosmos.close();
    },
  };
}

/** The due marks left: 0 once every committed effect was carried out. */
export async function openMarks(store: Store): Promise<number> {
  const { resources } = await store.containers.effects.items.query('SELECT c.id FROM c').fetchAll();
  return resources.length;
}
