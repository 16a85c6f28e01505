import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The house rules of src/ (DESIGN.md §3), read from the import statements themselves. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports (`import … from`, `export … from`, dynamic `import()`, types too), as written. */
function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2] ?? '');
}

/** A relative import resolved to a path under the repository (`.js` → `.ts`). */
const resolved = (from: string, spec: string) => resolve(dirname(from), spec.replace(/\.js$/, '.ts'));
const area = (path: string) => relative(SRC, path).split('/')[0] ?? '';

const all = files(SRC);
const SDKS = ['botbuilder', '@microsoft/teams-ai', 'botframework-connector'];

describe('the layers of src/', () => {
  it('the Bot Framework and Teams SDKs are imported only in src/bot, src/notify and the composition root', () => {
    const allowed = new Set(['bot', 'notify', 'app.ts', 'main.ts']);
    const offenders = all.flatMap((f) => importsOf(f).filter((s) => SDKS.some((sdk) => s === sdk || s.startsWith(`${sdk}/`))).map((s) => `${relative(ROOT, f)} → ${s}`)).filter((o) => !allowed.has(area(join(ROOT, o.split(' → ')[0]!))));
    expect(offenders).toEqual([]);
  });

  it('nothing below the bot imports from src/bot', () => {
    const below = new Set(['domain', 'effects', 'scheduler', 'store', 'notify', 'meetings', 'i18n']);
    const offenders = all
      .filter((f) => below.has(area(f)))
      .flatMap((f) => importsOf(f).filter((s) => s.startsWith('.') && area(resolved(f, s)) === 'bot').map((s) => `${relative(ROOT, f)} → ${s}`));
    expect(offenders).toEqual([]);
  });

  it('src/domain has no import circle, counting `import type` too (a circle of types is still a knot in the model)', () => {
    const domain = all.filter((f) => area(f) === 'domain');
    const edges = new Map(domain.map((f) => [f, importsOf(f).filter((s) => s.startsWith('.')).map((s) => resolved(f, s)).filter((t) => area(t) === 'domain')]));
    const circles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'visiting') {
        circles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(SRC, p)).join(' → '));
        return;
      }
      state.set(f, 'visiting');
      for (const t of edges.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of domain) visit(f, []);
    expect(circles).toEqual([]);
  });

  it('the checks see the imports they are about (a file known to import the SDK is found)', () => {
    expect(importsOf(join(SRC, 'bot/actions.ts'))).toContain('botbuilder');
    expect(all.length).toBeGreaterThan(50);
  });
});
