import { CosmosClient, type Container, type Database } from '@azure/cosmos';
import { DefaultAzureCredential } from '@azure/identity';
import type { Logger } from '../log.js';
import { LOCAL_COSMOS_KEY, startLocalCosmos, type LocalCosmosServer } from './localCosmos.js';

/** Containers and their partition keys (DESIGN.md §4). */
export const CONTAINERS = {
  referrals: '/referralId',
  reminders: '/bucket',
  conversations: '/userId',
  config: '/kind',
  outbox: '/referralId',
  registration: '/period',
} as const;

export type ContainerName = keyof typeof CONTAINERS;

export interface Store {
  client: CosmosClient;
  database: Database;
  containers: Record<ContainerName, Container>;
  /** The endpoint in use (local or Azure); never includes a key. */
  endpoint: string;
  /** A cheap read that proves the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  endpoint?: string;
  key?: string;
  database: string;
  localPort?: number;
}

function isLocal(endpoint: string): boolean {
  const { hostname, protocol } = new URL(endpoint);
  return protocol === 'http:' || hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

/**
 * Opens the database through the real `@azure/cosmos` client. Without an endpoint it first
 * starts the embedded Cosmos-compatible server on loopback. Creates missing containers.
 */
export async function openStore(options: StoreOptions, log: Logger): Promise<Store> {
  let local: LocalCosmosServer | undefined;
  let endpoint = options.endpoint;
  if (!endpoint) {
    local = await startLocalCosmos(options.localPort ?? 0);
    endpoint = local.endpoint;
    log.info({ endpoint }, 'embedded Cosmos-compatible server started (data is kept in memory only)');
  }
  const loopback = isLocal(endpoint);
  const client = new CosmosClient({
    endpoint,
    ...(options.key || loopback ? { key: options.key ?? LOCAL_COSMOS_KEY } : { aadCredentials: new DefaultAzureCredential() }),
    // The local server has no geo-replication metadata to discover.
    connectionPolicy: loopback ? { enableEndpointDiscovery: false } : undefined,
  });
  const { database } = await client.databases.createIfNotExists({ id: options.database });
  const containers = {} as Record<ContainerName, Container>;
  for (const [name, path] of Object.entries(CONTAINERS) as [ContainerName, string][]) {
    const { container } = await database.containers.createIfNotExists({
      id: name,
      partitionKey: { paths: [path] },
      // TTL on: documents that set `ttl` expire (Azure honours it; the local server ignores it).
      defaultTtl: -1,
    });
    containers[name] = container;
  }
  return {
    client,
    database,
    containers,
    endpoint,
    ping: async () => {
      await database.read();
    },
    close: async () => {
      client.dispose();
      await local?.close();
    },
  };
}
