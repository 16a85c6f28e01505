import { randomUUID } from 'node:crypto';
import { startLocalCosmos } from '../src/store/localCosmos.js';
import { openTestStore } from '../test/support/reminderHarness.js';
import { ReferralRepository } from '../src/store/referrals.js';
import { quietLog } from '../test/support/reminderEngine.js';
import { makeFullReferral } from '../test/support/factories.js';
import { referralNumber } from '../src/domain/referral.js';
const server = await startLocalCosmos();
const store = await openTestStore(server.endpoint, 'x');
const repo = new ReferralRepository(store.containers.referrals, quietLog(), store.containers.cases);
const people = Array.from({ length: 20 }, (_, i) => `p${i}`);
for (let round = 0; round < 3; round++) {
  const t = performance.now();
  for (let i = 0; i < 200; i++) {
    const id = randomUUID();
    await repo.create(makeFullReferral({ id, referralId: id, number: referralNumber(id), smw: { aadObjectId: people[i % 20]!, name: 'x' } }));
  }
  console.log(process.env.NO_PATCH ?? 'patch', 'round', round, ((performance.now() - t) / 200).toFixed(2), 'ms per create');
}
await store.close(); await server.close();
