import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

const SRC = path.join(REPO_ROOT, 'src');

async function sourceFiles(dir = SRC): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sourceFiles(p)));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Relative imports of every source file, type-only ones included: a cycle of types is still a tangle. */
async function importGraph(): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const file of await sourceFiles()) {
    const text = await readFile(file, 'utf8');
    const deps = [...text.matchAll(/^(?:import|export)\b[^;]*?from '(\.[^']+)'/gms)].map((m) => path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts')));
    graph.set(file, deps);
  }
  return graph;
}

const rel = (f: string) => path.relative(SRC, f);
const topFolder = (f: string) => rel(f).split(path.sep)[0]!;

describe('architecture', () => {
  it('has no import cycles', async () => {
    const graph = await importGraph();
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, stack: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...stack.slice(stack.indexOf(f)), f].map(rel).join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const d of graph.get(f) ?? []) visit(d, [...stack, f]);
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('reaches into another folder only through its index.ts', async () => {
    const bad: string[] = [];
    for (const [file, deps] of await importGraph()) {
      for (const d of deps) {
        if (topFolder(d) !== topFolder(file) && path.basename(d) !== 'index.ts') bad.push(`${rel(file)} imports ${rel(d)}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('reads process.env only in the composition root', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles()) {
      if (topFolder(file) === 'main') continue;
      const text = await readFile(file, 'utf8');
      if (/process\.env\b/.test(text.replace(/\/\*\*[\s\S]*?\*\/|\/\/.*$/gm, ''))) offenders.push(rel(file));
    }
    // The CLI's colour choice follows the NO_COLOR convention at the terminal it writes to.
    expect(offenders).toEqual(['cli/output.ts']);
  });
});
