import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

function promtool(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', args, { cwd: path.join(REPO_ROOT, 'deploy/prometheus') });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('the shipped Prometheus rules (deploy/prometheus)', () => {
  it('are valid, and their unit tests pass: each fires when and as it should, once for two lifeboat processes', async () => {
    const check = await promtool(['check', 'rules', 'lifeboat-rules.yml']);
    expect(check.out).toMatch(/SUCCESS: 7 rules found/);
    expect(check.code).toBe(0);
    const test = await promtool(['test', 'rules', 'lifeboat-rules.test.yml']);
    expect(test.out).toMatch(/SUCCESS/);
    expect(test.code, test.out).toBe(0);
  });

  it('the example Prometheus config loads them', async () => {
    const check = await promtool(['check', 'config', 'prometheus.yml']);
    expect(check.code, check.out).toBe(0);
  });
});
