import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVICE_NORMS } from '../../src/domain/serviceNorms.js';
import { loadServiceNorms } from '../../src/store/configRepository.js';

describe('the service-norm file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'norms-'));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('ships the example defaults', async () => {
    expect(await loadServiceNorms('config/servicenormen.json')).toEqual(DEFAULT_SERVICE_NORMS);
  });

  it('fails naming SERVICE_NORMS_FILE for a missing file, bad JSON or a rule that does not validate', async () => {
    await expect(loadServiceNorms(join(dir, 'missing.json'))).rejects.toThrow(/SERVICE_NORMS_FILE/);
    await expect(loadServiceNorms(write('bad.json', '{'))).rejects.toThrow(/SERVICE_NORMS_FILE/);
    const wrong = [{ ...DEFAULT_SERVICE_NORMS[0], days: 0 }];
    await expect(loadServiceNorms(write('wrong.json', JSON.stringify(wrong)))).rejects.toThrow(/SERVICE_NORMS_FILE.*days/);
  });
});
