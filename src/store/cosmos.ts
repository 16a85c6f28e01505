import { CosmosClient, type Container, type Database } from '@azure/cosmos';
import type { Logger } from '../log.js';
import type { LocalCosmosServer } from './localCosmos.js';
import { LOCAL_COSMOS_KEY } from './localKey.js';

/** Containers and their partition keys (DESIGN.md §4). */
export const CONTAINERS = {
  referrals: '/referralId',
  reminders: '/bucket',
  conversations: '/userId',
  config: '/kind',
  outbox: '/referralId',
  security: '/day',
  /** Due index of the effect runner: one small document per referral with open effects. */
  effects: '/bucket',
  /** Case index: per person (`person:<aad>`) and per referral number (`number:<AM-…>`). */
  cases: '/key',
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
  /** Data folder of the embedded server (no endpoint); without it the embedded data lives in memory only. */
  dataDir?: string;
  /** "Now" in ms for the embedded server's TTL (time travel). */
  localNow?: () => number;
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
    // Loaded only when used: the embedded server and its query engine are not needed against Azure.
    const { startLocalCosmos } = await import('./localCosmos.js');
    local = await startLocalCosmos({ port: options.localPort ?? 0, dataDir: options.dataDir, log, now: options.localNow });
    endpoint = local.endpoint;
    if (local.load) log.info({ endpoint, dataDir: local.dataDir, load: local.load }, 'embedded Cosmos-compatible server started (data kept in the data folder)');
    else log.info({ endpoint }, 'embedded Cosmos-compatible server started (data is kept in memory only)');
  }
  const loopback = isLocal(endpoint);
  // @azure/identity is loaded only when a managed identity or Entra login is actually used.
  const auth = options.key || loopback ? { key: options.key ?? LOCAL_COSMOS_KEY } : { aadCredentials: new (await import('@azure/identity')).DefaultAzureCredential() };
  const client = new CosmosClient({
    endpoint,
    ...auth,
    // The local server has no geo-replication metadata to discover.
    connectionPolicy: loopback ? { enableEndpointDiscovery: false } : undefined,
  });
  const { database } = await client.databases.createIfNotExists({ id: options.database });
  const containers = {} as Record<ContainerName, Container>;
  for (const [name, path] of Object.entries(CONTAINERS) as [ContainerName, string][]) {
    const { container } = await database.containers.createIfNotExists({
      id: name,
      partitionKey: { paths: [path] },
      // TTL on: documents that set `ttl` expire (Azure and the embedded server honour it).
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
