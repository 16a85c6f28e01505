import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, wantsPretty } from '../../src/log.js';

function capture(pretty: boolean) {
  const sink = new PassThrough();
  let out = '';
  sink.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return { log: createLogger('info', sink, pretty), out: () => out };
}

describe('log format', () => {
  it('is readable at a terminal outside production, JSON in production and when piped', () => {
    expect(wantsPretty('auto', 'development', true)).toBe(true);
    expect(wantsPretty('auto', 'development', false)).toBe(false);
    expect(wantsPretty('pretty', 'development', false)).toBe(true);
    expect(wantsPretty('json', 'development', true)).toBe(false);
    expect(wantsPretty('auto', 'production', true)).toBe(false);
    expect(wantsPretty('pretty', 'production', true)).toBe(false);
  });

  it('writes JSON lines by default (what tests and log shippers parse)', () => {
    const { log, out } = capture(false);
    log.info({ referral: { number: 'A1' } }, 'referral saved');
    const line = JSON.parse(out().trim()) as { msg: string; referral: { number: string }; time: number };
    expect(line).toMatchObject({ msg: 'referral saved', referral: { number: 'A1' } });
  });

  it('prints readable lines with a clock time, and redacts personal fields there too', () => {
    const { log, out } = capture(true);
    log.info({ pupil: { name: 'Jan Jansen', email: 'jan@example.org' }, referral: 'A1' }, 'referral saved');
    const text = out();
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: referral saved/);
    expect(text).toContain('[redacted]');
    expect(text).not.toContain('Jan Jansen');
    expect(text).not.toContain('jan@example.org');
    expect(text.trimStart().startsWith('{')).toBe(false);
  });
});
