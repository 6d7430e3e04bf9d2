import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'hookbridge.js');

/** A Node older than 22 on PATH outside the project (the system's, as on these machines). */
function olderNode(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir.includes('node_modules')) continue;
    const candidate = join(dir, 'node');
    if (!existsSync(candidate)) continue;
    const version = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    if (Number(version.stdout.split('.')[0]) < 22) return candidate;
  }
  return undefined;
}

const node = olderNode();

// CI's and these machines' system Node is 20; where there is none older than 22, nothing to test.
describe.skipIf(!node)('hookbridge started by a Node older than 22', () => {
  const run = (...args: string[]) =>
    spawnSync(node ?? 'node', [BIN, ...args], {
      encoding: 'utf8',
      env: { ...process.env, HOOKBRIDGE_ENDPOINT: 'http://127.0.0.1:9' },
    });

  it('runs the command under the project Node 22, with its output and exit code', () => {
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: hookbridge');
    const usage = run('nosuch');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("unknown command 'nosuch'");
    const unreachable = run('subscriptions', 'list');
    expect(unreachable.status).toBe(3);
  });

  it('refuses plainly when the project Node is not the one re-executing it', () => {
    const loop = spawnSync(node ?? 'node', [BIN, '--help'], {
      encoding: 'utf8',
      env: { ...process.env, HOOKBRIDGE_REEXEC: '1' },
    });
    expect(loop.status).toBe(1);
    expect(loop.stderr).toMatch(/needs Node\.js 22 or later; this is v\d+/);
  });
});
