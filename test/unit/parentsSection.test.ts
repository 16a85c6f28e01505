import { describe, expect, it } from 'vitest';
import { parentsSchema } from '../../src/domain/sections/parents.js';

const errorFields = (input: Record<string, unknown>) => {
  const result = parentsSchema().safeParse(input);
  return result.success ? [] : [...new Set(result.error.issues.map((i) => String(i.path[0])))].sort();
};

describe('parents section: every error of the section in one round', () => {
  it('an empty first parent reports name, relation, gezag, agreement and a way to reach them at once', () => {
    expect(errorFields({ parent0Name: '', parent0Phone: '', parent0Email: '' })).toEqual(['parent0Agrees', 'parent0Authority', 'parent0Name', 'parent0Phone', 'parent0Relation']);
  });

  it('a missing name does not hide a malformed phone number and e-mail address', () => {
    expect(errorFields({ parent0Relation: 'moeder', parent0Authority: 'ja', parent0Agrees: 'ja', parent0Phone: '12', parent0Email: 'geen-adres' })).toEqual(['parent0Email', 'parent0Name', 'parent0Phone']);
  });

  it('a second parent without a name is not a parent; with a name it is checked too', () => {
    const first = { parent0Name: 'Fatima de Vries', parent0Relation: 'moeder', parent0Authority: 'ja', parent0Agrees: 'ja', parent0Phone: '0612345678' };
    expect(errorFields(first)).toEqual([]);
    expect(errorFields({ ...first, parent1Name: 'Jan de Vries' })).toEqual(['parent1Agrees', 'parent1Authority', 'parent1Phone', 'parent1Relation']);
  });
});
