import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/** A Cosmos-compatible server in this process, on loopback only. Keeps data in memory. */
export interface LocalCosmosServer {
  endpoint: string;
  close(): Promise<void>;
}

/** Key the local server accepts (it checks none); base64 so the real client can sign with it. */
export const LOCAL_COSMOS_KEY = Buffer.from('schakel-local-cosmos-key').toString('base64');

export async function startLocalCosmos(port = 0, host = '127.0.0.1'): Promise<LocalCosmosServer> {
  const { createHttpServer } = await import('@vercel/cosmosdb-server'); // loaded only when the embedded server is used
  const server: Server = createHttpServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
