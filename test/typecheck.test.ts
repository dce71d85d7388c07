import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/processes.js';

// Vitest strips types without checking them, and the benchmarks (bench/) run in no test at
// all: a type error there, or a string that no longer parses, would land unseen until the
// next `npm run bench`. This test is the compiler's verdict on the whole tree.
describe('the source tree', () => {
  it('type-checks under the project’s strict settings, benchmarks and scripts included', () => {
    const tsc = spawnSync(process.execPath, [resolve(repoRoot, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', resolve(repoRoot, 'tsconfig.json')], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 150_000);
});
