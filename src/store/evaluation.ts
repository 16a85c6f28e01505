import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import type { Answer, Evaluation } from '../domain/evaluation.js';

/**
 * The yearly evaluation in the registration container (pk `/period`): the evaluation document,
 * one anonymous document per answer (random id, no time, no respondent), and one marker per
 * respondent holding only a salted hash, so a second answer is refused. Marker and answer are
 * separate documents: nothing links an answer to its marker.
 */

interface EvaluationDoc extends Evaluation {
  id: 'evaluation';
  type: 'evaluation';
  /** Random per evaluation; the hashes of respondents are HMACs with it. */
  salt: string;
}

const isStatus = (err: unknown, code: number) => (err as { code?: number }).code === code;

export class EvaluationRepository {
  constructor(private readonly container: Container) {}

  async get(period: string): Promise<(Evaluation & { salt: string }) | undefined> {
    try {
      const { resource } = await this.container.item('evaluation', period).read<EvaluationDoc>();
      return resource ?? undefined;
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /** Starts the year's evaluation; false when one exists already. */
  async start(evaluation: Evaluation): Promise<boolean> {
    try {
      await this.container.items.create<EvaluationDoc>({ ...evaluation, id: 'evaluation', type: 'evaluation', salt: randomBytes(32).toString('base64') });
      return true;
    } catch (err) {
      if (isStatus(err, 409)) return false;
      throw err;
    }
  }

  async update(period: string, changes: Partial<Pick<Evaluation, 'status' | 'closedAt' | 'sentTo' | 'remindedAt'>>): Promise<void> {
    await this.container.item('evaluation', period).patch(Object.entries(changes).map(([k, v]) => ({ op: 'set' as const, path: `/${k}`, value: v })));
  }

  /**
   * Claims the automatic reminder of an evaluation: true for exactly one caller. (The field name is
   * lower case: the embedded server lower-cases patch conditions.)
   */
  async claimAutomaticReminder(period: string, at: string): Promise<boolean> {
    try {
      await this.container.item('evaluation', period).patch({ condition: 'FROM c WHERE NOT IS_DEFINED(c.autoreminded)', operations: [{ op: 'set', path: '/autoreminded', value: at }] });
      return true;
    } catch (err) {
      if (isStatus(err, 412)) return false;
      throw err;
    }
  }

  /** The one-way hash of a respondent (`aad:<id>` or `channel:<id>`) for this evaluation. */
  static respondentHash(salt: string, period: string, respondent: string): string {
    return createHmac('sha256', salt).update(`${period}|${respondent}`).digest('hex');
  }

  /** Stores an answer once per respondent hash; false when this respondent answered already. */
  async answer(hash: string, answer: Answer): Promise<boolean> {
    try {
      await this.container.items.create({ id: `responded:${hash}`, type: 'responded', period: answer.period });
    } catch (err) {
      if (isStatus(err, 409)) return false;
      throw err;
    }
    await this.container.items.create({ id: randomUUID(), type: 'answer', ...answer });
    return true;
  }

  async responded(period: string): Promise<Set<string>> {
    const { resources } = await this.container.items
      .query<{ id: string }>({ query: 'SELECT c.id FROM c WHERE c.period = @p AND c.type = "responded"', parameters: [{ name: '@p', value: period }] }, { partitionKey: period })
      .fetchAll();
    return new Set(resources.map((r) => r.id.replace(/^responded:/, '')));
  }

  async answers(period: string): Promise<Answer[]> {
    const { resources } = await this.container.items
      .query<Answer>(
        { query: 'SELECT c.period, c.school, c.wijkteamId, c.scores, c.open FROM c WHERE c.period = @p AND c.type = "answer"', parameters: [{ name: '@p', value: period }] },
        { partitionKey: period },
      )
      .fetchAll();
    return resources;
  }
}
