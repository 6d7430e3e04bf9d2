import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

// A copy of the package's CLI sources, so that the tests can edit them and own the cache.
let copy: string;

beforeEach(() => {
  copy = mkdtempSync(join(tmpdir(), 'hookbridge-cli-'));
  for (const dir of ['bin', 'cli', 'shared', 'local', 'infra']) {
    cpSync(join(ROOT, dir), join(copy, dir), { recursive: true });
  }
  cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
});

afterEach(() => {
  rmSync(copy, { recursive: true, force: true });
});

function hookbridge(...args: string[]): string {
  return execFileSync(process.execPath, [join(copy, 'bin', 'hookbridge.js'), ...args], {
    cwd: copy,
    encoding: 'utf8',
  });
}

function manifest(): { entry: string; inputs: Record<string, unknown> } {
  return JSON.parse(readFileSync(join(copy, '.hookbridge', 'cli', 'manifest.json'), 'utf8'));
}

function setVersion(version: string): void {
  const file = join(copy, 'package.json');
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(/"version": "[^"]+"/, `"version": "${version}"`),
  );
}

// Each test starts node a few times and builds once: seconds on a busy machine.
describe('the compiled CLI', { timeout: 60_000 }, () => {
  it('is built on the first call, from the sources, and used by the next ones', () => {
    expect(hookbridge('--version').trim()).toBe('0.1.0');
    const built = manifest();
    expect(existsSync(join(copy, '.hookbridge', 'cli', built.entry))).toBe(true);
    expect(Object.keys(built.inputs)).toEqual(
      expect.arrayContaining(['cli/main.ts', 'cli/run-cli.ts', 'package.json']),
    );
    expect(hookbridge('--help')).toContain('Usage: hookbridge');
    expect(manifest().entry).toBe(built.entry);
  });

  it('is rebuilt when a file it was built from changes, so it never runs stale code', () => {
    hookbridge('--version');
    const first = manifest().entry;
    setVersion('9.9.9');
    expect(hookbridge('--version').trim()).toBe('9.9.9');
    expect(manifest().entry).not.toBe(first);

    // An edit of a command's source shows at once, too.
    const send = join(copy, 'cli', 'commands', 'send.ts');
    writeFileSync(
      send,
      readFileSync(send, 'utf8').replace(/\.description\('[^']*'/, ".description('EDITED'"),
    );
    expect(hookbridge('--help')).toMatch(/send .*EDITED/);
  });

  it('recovers from a damaged cache', () => {
    hookbridge('--version');
    writeFileSync(
      join(copy, '.hookbridge', 'cli', 'manifest.json'),
      '{"entry": "nothing.mjs", "inp',
    );
    expect(hookbridge('--version').trim()).toBe('0.1.0');
    writeFileSync(
      join(copy, '.hookbridge', 'cli', 'manifest.json'),
      JSON.stringify({ entry: 'missing/main.mjs', inputs: {} }),
    );
    expect(hookbridge('--version').trim()).toBe('0.1.0');
  });

  it('falls back to compiling the sources with tsx when it cannot write its cache', () => {
    // A file where the cache directory would go: unwritable, for root too.
    writeFileSync(join(copy, '.hookbridge'), 'not a directory');
    expect(hookbridge('--version').trim()).toBe('0.1.0');
    expect(hookbridge('--help')).toContain('Usage: hookbridge');
  });
});
