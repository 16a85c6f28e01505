import { describe, expect, it } from 'vitest';
import type { PlannedReminder } from '../../src/domain/reminders.js';
import { PlanningStep } from '../../src/scheduler/planner.js';
import { refOf, type ReminderRef } from '../../src/store/reminders.js';

const planned = (id: string, dueAt = '2026-12-10T08:00:00.000Z'): PlannedReminder => ({
  id,
  referralId: 'r1',
  kind: 'agreementBefore',
  dueAt,
  timeZone: 'Europe/Amsterdam',
  recipients: [{ key: 'smw:smw-1', role: 'smw', channel: 'teams', aadObjectId: 'smw-1' }],
  subject: { label: 'Terugkoppeling', agreementId: 'a1', date: dueAt.slice(0, 10) },
});

/** A step over a stored list, with the changes it hands to the store captured. */
function stepOver(stored: ReminderRef[], remembered = false) {
  const applied: { cancel: string[]; save: string[]; chosenOnMemory?: boolean }[] = [];
  let reads = 0;
  let confirmed = 0;
  const step = new PlanningStep(
    'r1',
    async (memory) => {
      reads++;
      return { refs: stored, remembered: memory && remembered };
    },
    {
      apply: async (cancel, save, options) => {
        applied.push({ cancel: cancel.map((c) => c.id), save: save.map((p) => p.id), ...(options?.chosenOnMemory ? { chosenOnMemory: true } : {}) });
        return { created: save.length, existing: 0, cancelled: cancel.length };
      },
      confirmRemembered: async () => {
        confirmed++;
      },
    },
    remembered,
  );
  return { step, applied, reads: () => reads, confirmed: () => confirmed };
}

describe('a planning step', () => {
  it('hands all its changes to the store at once, with the outcome of making them one by one', async () => {
    const { step, applied, reads } = stepOver([refOf(planned('kept')), refOf(planned('old'))]);
    step.cancel([refOf(planned('old'))]);
    step.save([planned('new')]);
    // Withdrawn and planned again: withdrawn first, then planned, so it comes back as planned now.
    step.cancel([refOf(planned('again'))]);
    step.save([planned('again')]);
    // Planned and then withdrawn: not created at all.
    step.save([planned('gone')]);
    step.cancel([refOf(planned('gone'))]);
    expect((await step.list()).map((r) => r.id).sort()).toEqual(['again', 'kept', 'new']);
    expect(reads()).toBe(1);
    await step.list();
    expect(reads()).toBe(1);
    expect(await step.commit()).toEqual({ created: 2, cancelled: 3 });
    expect(applied).toEqual([{ cancel: ['old', 'again', 'gone'], save: ['new', 'again'] }]);
    // Nothing left to write.
    expect(await step.commit()).toEqual({ created: 0, cancelled: 0 });
    expect(applied).toHaveLength(1);
  });

  it('tells the store when it chose on the index as remembered, so a changed index is not written over', async () => {
    const fromMemory = stepOver([refOf(planned('kept'))], true);
    await fromMemory.step.list();
    fromMemory.step.save([planned('new')]);
    await fromMemory.step.commit();
    expect(fromMemory.applied).toEqual([{ cancel: [], save: ['new'], chosenOnMemory: true }]);
    const read = stepOver([refOf(planned('kept'))]);
    await read.step.list();
    read.step.save([planned('new')]);
    await read.step.commit();
    expect(read.applied).toEqual([{ cancel: [], save: ['new'] }]);
    // Nothing to change as remembered: the stored index has to confirm it; as read, it already did.
    const idle = stepOver([refOf(planned('kept'))], true);
    await idle.step.list();
    expect(await idle.step.commit()).toEqual({ created: 0, cancelled: 0 });
    expect(idle.confirmed()).toBe(1);
    const idleRead = stepOver([refOf(planned('kept'))]);
    await idleRead.step.list();
    await idleRead.step.commit();
    expect(idleRead.confirmed()).toBe(0);
  });
});
