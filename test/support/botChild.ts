/**
 * A whole bot in its own process, for the submit crash test: it uses a Cosmos server and a fake
 * connector run by the test and is killed at random moments. Configured by environment
 * variables; prints `ready <url>` once it listens.
 */
import { Writable } from 'node:stream';
import { startSchakel } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';

const config = loadConfig({
  NODE_ENV: 'test',
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'error',
  COSMOS_ENDPOINT: process.env.CHILD_COSMOS_URL,
  COSMOS_DATABASE: process.env.CHILD_DATABASE,
  COORDINATOR_AAD_IDS: process.env.CHILD_COORDINATOR,
  EFFECTS_INTERVAL_MS: '100',
  EFFECTS_LEASE_MS: '1000',
  EFFECTS_RETRY_BASE_MS: '100',
  SHUTDOWN_GRACE_MS: '500',
});
const sink = new Writable({ write: (_chunk, _enc, done) => done() });
const schakel = await startSchakel(config, createLogger(config.logLevel, sink), { startScheduler: false });
process.on('SIGTERM', () => void schakel.stop().then(() => process.exit(0)));
// The test went away (stdin closed): never linger as an orphan.
process.stdin.on('end', () => process.exit(1));
process.stdin.resume();
process.stdout.write(`ready ${schakel.url}/api/messages\n`);
