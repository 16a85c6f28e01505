import { createHash } from 'node:crypto';
import type { Container, PatchOperation } from '@azure/cosmos';
import type { CellTotals, Participation, RegistrationIncrement } from '../domain/registration.js';

/**
 * The registration container (pk `/period`, a year): one document per school × wijkteam × month
 * with counters, and one per professional taking part that year. No TTL: the figures outlive the
 * referrals, and erasing a family never touches them (nothing here names a pupil or parent).
 */

interface CellDoc extends CellTotals {
  id: string;
  type: 'cell';
  /** Digests of the transition keys already counted in this cell (a retry of the same transition is a no-op). */
  applied: string[];
}

interface ParticipantDoc extends Omit<Participation, 'school' | 'wijkteamId'> {
  id: string;
  type: 'participant';
  /** `school|wijkteamId` pairs the professional worked in this year. */
  cells: string[];
  /** Digests of `cells`, for the conditional patch that adds a pair once. */
  seen: string[];
}

const digest = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

/** Cosmos ids may not hold `/ \ ? #`: a cell's id is a digest of its key. */
export const cellId = (c: { month: string; school: string; wijkteamId: string }) => `cell:${c.month}:${digest(`${c.school.toLowerCase()}|${c.wijkteamId}`)}`;

const isStatus = (err: unknown, code: number) => (err as { code?: number }).code === code;

export class RegistrationRepository {
  /** Cosmos requests made (the local server reports no request charge; the benchmark counts these). */
  requests = 0;

  constructor(readonly container: Container) {}

  /**
   * Adds the counts to their cell once per `key`: a conditional patch (one request when the cell
   * exists); a missing cell is created with them (or empty first, for more than one patch's
   * worth). Cosmos applies a patch atomically, so the counts and the key land together (a patch
   * holds at most 10 operations; longer ones go in chunks, the key with the last).
   */
  async apply(inc: RegistrationIncrement): Promise<void> {
    const id = cellId(inc.cell);
    // Keys are kept as hex digests: nothing to escape, a fixed size, and all lower case (the local
    // server lower-cases a patch condition before evaluating it; field names here are lower case too).
    const key = digest(inc.key);
    const ops: PatchOperation[] = [
      ...Object.entries(inc.counts).map(([name, value]) => ({ op: 'incr' as const, path: `/counts/${name}`, value })),
      { op: 'add', path: '/applied/-', value: key },
    ];
    const condition = `FROM c WHERE NOT ARRAY_CONTAINS(c.applied, "${key}")`;
    for (let i = 0; i < ops.length; i += 10) {
      const patch = () => this.container.item(id, inc.cell.period).patch({ condition, operations: ops.slice(i, i + 10) });
      try {
        this.requests++;
        await patch();
      } catch (err) {
        if (isStatus(err, 412)) return; // counted before
        if (!isStatus(err, 404)) throw err;
        // The cell's first count (a month's first referral of that school and wijkteam): created
        // with it, when it fits in one patch (the key lands with the counts either way).
        const whole = ops.length <= 10;
        const first = whole ? { counts: { ...inc.counts }, applied: [key] } : { counts: {}, applied: [] };
        if ((await this.create<CellDoc>({ id, type: 'cell', ...inc.cell, ...first })) && whole) return;
        this.requests++;
        await patch().catch((again: unknown) => {
          if (!isStatus(again, 412)) throw again;
        });
      }
    }
  }

  /** Notes that a professional took part this year (for the evaluation's recipients). */
  async participate(p: Participation): Promise<void> {
    const id = `participant:${digest(`${p.role}|${p.aadObjectId}`)}`;
    const cell = `${p.school}|${p.wijkteamId}`;
    const key = digest(cell.toLowerCase());
    const patch = () =>
      this.container.item(id, p.period).patch({
        condition: `FROM c WHERE NOT ARRAY_CONTAINS(c.seen, "${key}")`,
        operations: [
          { op: 'add', path: '/cells/-', value: cell },
          { op: 'add', path: '/seen/-', value: key },
        ],
      });
    try {
      this.requests++;
      await patch();
    } catch (err) {
      if (isStatus(err, 412)) return; // already listed
      if (!isStatus(err, 404)) throw err;
      if (await this.create<ParticipantDoc>({ id, type: 'participant', period: p.period, aadObjectId: p.aadObjectId, role: p.role, cells: [cell], seen: [key] })) return;
      this.requests++;
      await patch().catch((again: unknown) => {
        if (!isStatus(again, 412)) throw again;
      });
    }
  }

  /** Creates a document; false when it exists already. */
  private async create<T extends { id: string }>(doc: T): Promise<boolean> {
    try {
      this.requests++;
      await this.container.items.create(doc);
      return true;
    } catch (err) {
      if (isStatus(err, 409)) return false;
      throw err;
    }
  }

  /** Every cell of a year: one single-partition query. */
  async cells(period: string): Promise<CellTotals[]> {
    this.requests++;
    const { resources } = await this.container.items
      .query<CellDoc>(
        { query: 'SELECT c.period, c.month, c.school, c.wijkteamId, c.counts FROM c WHERE c.period = @p AND c.type = "cell"', parameters: [{ name: '@p', value: period }] },
        { partitionKey: period, maxItemCount: -1 },
      )
      .fetchAll();
    return resources.map((r) => ({ period: r.period, month: r.month, school: r.school, wijkteamId: r.wijkteamId, counts: r.counts ?? {} }));
  }

  /** The professionals who had a referral in the year, with the school × wijkteam pairs they worked in. */
  async participants(period: string): Promise<{ aadObjectId: string; role: Participation['role']; cells: string[] }[]> {
    this.requests++;
    const { resources } = await this.container.items
      .query<ParticipantDoc>(
        { query: 'SELECT * FROM c WHERE c.period = @p AND c.type = "participant"', parameters: [{ name: '@p', value: period }] },
        { partitionKey: period, maxItemCount: -1 },
      )
      .fetchAll();
    return resources.map((r) => ({ aadObjectId: r.aadObjectId, role: r.role, cells: r.cells }));
  }
}
