import { readFile } from 'node:fs/promises';
import type { Container } from '@azure/cosmos';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { checkDistrictRows, DistrictMap, type DistrictRow, type TableCheck } from '../domain/routing.js';
import type { InstrumentOptions } from '../domain/sections/safety.js';
import { ServiceNormRulesSchema, type ServiceNormRule } from '../domain/serviceNorms.js';
import { createDoc, readDoc, stripMeta, upsertDoc } from './documents.js';
import { ReadCache } from './readCache.js';
import { turnMemo } from './turnReads.js';

/** A wijkteam's channel, linked by a coordinator with `koppel wijkteam <naam>`. */
export interface WijkteamChannel {
  id: string;
  kind: 'wijkteam';
  wijkteamId: string;
  name: string;
  tenantId: string;
  teamId: string;
  channelId: string;
  conversationId: string;
  serviceUrl: string;
  linkedBy: string;
  linkedAt: string;
}

/**
 * A channel known by a configured key (e.g. `coordinator`, the wijkteam coordinators' channel for
 * service-norm escalations), linked by a coordinator with `koppel coördinatoren` in that channel.
 */
export interface NamedChannel {
  id: string;
  kind: 'namedChannel';
  key: string;
  tenantId: string;
  teamId: string;
  channelId: string;
  serviceUrl: string;
  linkedBy: string;
  linkedAt: string;
}

/** Cached Teams roster of a wijkteam's team: who may take on its referrals. */
export interface RosterCache {
  id: string;
  kind: 'roster';
  teamId: string;
  members: string[];
  fetchedAt: string;
}

interface DistrictMapDoc {
  id: 'districtMap';
  kind: 'districtMap';
  rows: DistrictRow[];
  updatedAt: string;
  updatedBy: string;
}

/** Parses the coordinator's CSV text (header `postcode4,wijk,wijkteam_id,wijkteam_naam`). */
export function parseDistrictCsv(text: string): TableCheck {
  let records: Record<string, string>[];
  try {
    records = parse(text.trim(), { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  } catch (err) {
    return { ok: false, problems: [(err as Error).message] };
  }
  return checkDistrictRows(records);
}

const InstrumentsSchema = z.object({ etmOutcomes: z.array(z.string().min(1)).min(1), lirikOutcomes: z.array(z.string().min(1)).min(1) });

export async function loadInstruments(path: string): Promise<InstrumentOptions> {
  const parsed = InstrumentsSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) throw new Error(`INSTRUMENTS_FILE ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Coordinator-maintained configuration (container `config`, pk `/kind`). */
export class ConfigRepository {
  /**
   * The wijkindeling and the linked channels, read for nearly every referral step; kept for
   * `cacheMs` and written through here, so another instance's change shows within that time.
   */
  private readonly maps: ReadCache<DistrictMap>;
  private readonly channels: ReadCache<WijkteamChannel>;
  private readonly named: ReadCache<NamedChannel>;

  constructor(
    private readonly container: Container,
    options: { cacheMs?: number } = {},
  ) {
    const ttlMs = options.cacheMs ?? 0;
    this.maps = new ReadCache({ max: 1, ttlMs });
    this.channels = new ReadCache({ max: 1_000, ttlMs });
    this.named = new ReadCache({ max: 100, ttlMs });
  }

  async districtMap(): Promise<DistrictMap | undefined> {
    return this.maps.get('districtMap', async () => {
      const found = await readDoc<DistrictMapDoc>(this.container, 'districtMap', 'districtMap');
      return found ? new DistrictMap(found.doc.rows) : undefined;
    });
  }

  async saveDistrictMap(rows: DistrictRow[], by: string, at: Date): Promise<void> {
    this.maps.forget('districtMap');
    await upsertDoc(this.container, { id: 'districtMap', kind: 'districtMap', rows, updatedAt: at.toISOString(), updatedBy: by } satisfies DistrictMapDoc);
    this.maps.forget('districtMap');
  }

  /** Stores the example/initial table when none is stored yet (first start). Safe with many instances. */
  async seedDistrictMap(file: string, at: Date): Promise<void> {
    if (await readDoc(this.container, 'districtMap', 'districtMap')) return;
    const check = parseDistrictCsv(await readFile(file, 'utf8'));
    if (!check.ok) throw new Error(`DISTRICT_MAP_FILE ${file}: ${check.problems.join('; ')}`);
    try {
      await createDoc(this.container, { id: 'districtMap', kind: 'districtMap', rows: check.rows, updatedAt: at.toISOString(), updatedBy: 'seed' } satisfies DistrictMapDoc);
    } catch {
      // another instance seeded it first
    }
  }

  async linkChannel(channel: WijkteamChannel): Promise<void> {
    this.channels.forget(channel.id);
    await upsertDoc(this.container, channel);
    this.channels.forget(channel.id);
  }

  async channel(wijkteamId: string): Promise<WijkteamChannel | undefined> {
    const id = `wijkteam:${wijkteamId}`;
    return this.channels.get(id, async () => {
      const found = await readDoc<WijkteamChannel>(this.container, id, 'wijkteam');
      return found ? stripMeta(found.doc) : undefined;
    });
  }

  async linkNamedChannel(channel: Omit<NamedChannel, 'id' | 'kind'>): Promise<void> {
    const id = `named:${channel.key}`;
    this.named.forget(id);
    await upsertDoc(this.container, { ...channel, id, kind: 'namedChannel' });
    this.named.forget(id);
  }

  async namedChannel(key: string): Promise<NamedChannel | undefined> {
    const id = `named:${key}`;
    return this.named.get(id, async () => {
      const found = await readDoc<NamedChannel>(this.container, id, 'namedChannel');
      return found ? stripMeta(found.doc) : undefined;
    });
  }

  async channelByConversation(teamId: string): Promise<WijkteamChannel[]> {
    const { resources } = await this.container.items
      .query<WijkteamChannel>({ query: 'SELECT * FROM c WHERE c.kind = "wijkteam" AND c.teamId = @team', parameters: [{ name: '@team', value: teamId }] })
      .fetchAll();
    return resources.map(stripMeta);
  }

  /** The cached roster; within a turn read once (the gate and the handler both ask). */
  async roster(teamId: string): Promise<RosterCache | undefined> {
    return turnMemo.get(`roster:${teamId}`, async () => {
      const found = await readDoc<RosterCache>(this.container, `roster:${teamId}`, 'roster');
      return found ? stripMeta(found.doc) : undefined;
    });
  }

  async saveRoster(teamId: string, members: string[], at: Date): Promise<void> {
    const doc = { id: `roster:${teamId}`, kind: 'roster', teamId, members, fetchedAt: at.toISOString() } satisfies RosterCache;
    await upsertDoc(this.container, doc);
    // What this turn wrote is what it reads next.
    turnMemo.set(`roster:${teamId}`, doc);
  }
}


/** Reads the service-norm rules; a missing or wrong file stops the start, naming the variable. */
export async function loadServiceNorms(path: string): Promise<ServiceNormRule[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`SERVICE_NORMS_FILE ${path}: ${(err as Error).message}`);
  }
  const parsed = ServiceNormRulesSchema.safeParse(json);
  if (!parsed.success) throw new Error(`SERVICE_NORMS_FILE ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return parsed.data;
}
