/**
 * The embedded Cosmos-compatible server with a data folder, in its own process, for the
 * durability test: the test writes to it through the real client and kills it with SIGKILL.
 * Prints `ready <endpoint>` once it listens. Configured by CHILD_DATA_DIR.
 */
import { startLocalCosmos } from '../../src/store/localCosmos.js';

const dataDir = process.env.CHILD_DATA_DIR;
if (!dataDir) throw new Error('CHILD_DATA_DIR is required');
const server = await startLocalCosmos({ dataDir });
process.stdout.write(`ready ${server.endpoint} ${JSON.stringify(server.load)}\n`);
process.stdin.on('end', () => process.exit(1));
process.stdin.resume();
