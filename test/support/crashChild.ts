import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
