/**
 * The embedded Cosmos-compatible server (in memory) in its own process, for
 * `bench/reminders.ts --separate`. Prints `ready <endpoint>`; exits when stdin closes.
 */
import { startLocalCosmos } from '../../src/store/localCosmos.js';

const server = await startLocalCosmos();
process.stdout.write(`ready ${server.endpoint}\n`);
process.stdin.on('end', () => void server.close().finally(() => process.exit(0)));
process.stdin.resume();
