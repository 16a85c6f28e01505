/**
 * One scheduler instance in its own process, for the crash test: it connects to a Cosmos
 * server and a fake connector run by the test and is killed at random moments. Configured by
 * environment variables only. It loads and connects first, says `ready`, and starts
 * dispatching when it reads `go` on stdin: the test keeps the next instance warm so a restart
 * does not wait for module loading.
 */
import { CosmosClient } from '@azure/cosmos';
import { systemClock } from '../../src/domain/clock.js';
import { MemoryDirectory } from './memoryDirectory.js';
import { buildEngine, seedDirectory } from './reminderEngine.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

// The local server checks no key; any base64 string signs requests.
const client = new CosmosClient({ endpoint: env('CHILD_COSMOS_URL'), key: Buffer.from('local').toString('base64'), connectionPolicy: { enableEndpointDiscovery: false } });
const container = client.database(env('CHILD_DATABASE')).container('reminders');
await container.read();
const directory = new MemoryDirectory();
seedDirectory(directory, env('CHILD_CONNECTOR_URL'), env('CHILD_USERS').split(','));
const engine = buildEngine({
  container,
  serviceUrl: env('CHILD_CONNECTOR_URL'),
  directory,
  clock: systemClock,
  owner: env('CHILD_OWNER'),
  scheduler: { concurrency: Number(env('CHILD_CONCURRENCY')), intervalMs: 20, leaseMs: Number(env('CHILD_LEASE_MS')), sweepEveryMs: 60_000 },
});
// Warm up lazily loaded parts (connector client, query pipeline) before saying ready.
await engine.adapter.continueConversationAsync('', directory.users.values().next().value ?? {}, async () => undefined);
await engine.reminders.findDue([], 1);
await container.items.query('SELECT TOP 1 c.id FROM c').fetchAll();
const keepAlive = setInterval(() => undefined, 1_000);
process.on('SIGTERM', () => {
  void engine.scheduler.stop().then(() => {
    clearInterval(keepAlive);
    client.dispose();
    process.exit(0);
  });
});
process.stdin.on('data', (chunk: Buffer) => {
  if (chunk.toString().includes('go')) engine.scheduler.start();
});
// The test went away (stdin closed): never linger as an orphan.
process.stdin.on('end', () => process.exit(1));
process.stdout.write('ready\n');
