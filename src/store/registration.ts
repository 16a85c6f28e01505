import { createHash } from 'node:crypto';
import type { Container, PatchOperation } from '@azure/cosmos';
import type { CellTotals, Participation, RegistrationIncrement } from '../domain/registration.js';

/**
 * The registration container (pk `/period`, a year): one document per school × wijkteam × month
 * with counters and the professionals whose transitions it counted (`p_<digest>` fields, written
 * in the same patch as the counts). Cells written before they held professionals, and a
 * participation without counts of its own, have one document per professional and year instead.
 * No TTL: the figures outlive the referrals, and erasing a family never touches them (nothing
 * here names a pupil or parent).
 */

interface CellDoc extends CellTotals {
  id: string;
  type: 'cell';
  /** Digests of the transition keys already counted in this cell (a retry of the same transition is a no-op). */
  applied: string[];
  /** A professional whose transition this cell counted: `p_<digest of role|aadObjectId>`. */
  [person: `p_${string}`]: PersonInCell;
}

interface PersonInCell {
  aadObjectId: string;
  role: Participation['role'];
}

const PERSON_FIELD = /^p_[0-9a-f]{32}$/;

interface ParticipantDoc extends Omit<Participation, 'school' | 'wijkteamId'> {
  id: string;
  type: 'participant';
  /** `school|wijkteamId` pairs the professional worked in this year. */
  cells: string[];
  /** Digests of `cells`, for the conditional patch that adds a pair once. */
  seen: string[];
}

const digest = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

/** A professional's field in a cell: top level, so a patch can set it in a cell of any age. */
const personField = (p: PersonInCell): `p_${string}` => `p_${digest(`${p.role}|${p.aadObjectId}`)}`;

/** Cosmos ids may not hold `/ \ ? #`: a cell's id is a digest of its key. */
export const cellId = (c: { month: string; school: string; wijkteamId: string }) => `cell:${c.month}:${digest(`${c.school.toLowerCase()}|${c.wijkteamId}`)}`;

const isStatus = (err: unknown, code: number) => (err as { code?: number }).code === code;

export class RegistrationRepository {
  /** Cosmos requests made (the local server reports no request charge; the benchmark counts these). */
  requests = 0;

  constructor(readonly container: Container) {}

  /**
   * Adds the counts to their cell once per `key`, with the professionals of the transition who
   * take part in the year (`people`, of this cell: see {@link inCell}): a conditional patch (one
   * request when the cell exists); a missing cell is created with them (or empty first, for more
   * than one patch's worth). Cosmos applies a patch atomically, so the counts, the people and the
   * key land together (a patch holds at most 10 operations; longer ones go in chunks, the key with
   * the last).
   */
  async apply(inc: RegistrationIncrement, people: Participation[] = []): Promise<void> {
    const id = cellId(inc.cell);
    // Keys are kept as hex digests: nothing to escape, a fixed size, and all lower case (the local
    // server lower-cases a patch condition before evaluating it; field names here are lower case too).
    const key = digest(inc.key);
    const persons = people.map((p): [`p_${string}`, PersonInCell] => [personField(p), { aadObjectId: p.aadObjectId, role: p.role }]);
    const ops: PatchOperation[] = [
      ...persons.map(([field, value]) => ({ op: 'set' as const, path: `/${field}`, value: { ...value } })),
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
        const first = whole ? { counts: { ...inc.counts }, applied: [key], ...Object.fromEntries(persons) } : { counts: {}, applied: [] };
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

  /**
   * The professionals who had a referral in the year, with the school × wijkteam pairs they worked
   * in: from the cells that counted their transitions and from the documents of their own.
   */
  async participants(period: string): Promise<{ aadObjectId: string; role: Participation['role']; cells: string[] }[]> {
    this.requests++;
    const { resources } = await this.container.items
      .query<(ParticipantDoc | CellDoc) & Record<string, unknown>>(
        { query: 'SELECT * FROM c WHERE c.period = @p AND (c.type = "participant" OR c.type = "cell")', parameters: [{ name: '@p', value: period }] },
        { partitionKey: period, maxItemCount: -1 },
      )
      .fetchAll();
    const found = new Map<string, { aadObjectId: string; role: Participation['role']; cells: Set<string> }>();
    const add = (p: PersonInCell, cells: string[]) => {
      const k = `${p.role}|${p.aadObjectId}`;
      const entry = found.get(k) ?? { aadObjectId: p.aadObjectId, role: p.role, cells: new Set<string>() };
      for (const c of cells) entry.cells.add(c);
      found.set(k, entry);
    };
    for (const r of resources) {
      if (r.type === 'participant') add(r as ParticipantDoc, (r as ParticipantDoc).cells);
      else for (const [field, value] of Object.entries(r)) if (PERSON_FIELD.test(field)) add(value as PersonInCell, [`${r.school as string}|${r.wijkteamId as string}`]);
    }
    return [...found.values()].map((p) => ({ aadObjectId: p.aadObjectId, role: p.role, cells: [...p.cells].sort() }));
  }
}
