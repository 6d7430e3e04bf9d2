import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimStateDir, stateDir } from '../../../local/state-dir.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function directoryWith(files: readonly string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'hookbridge-state-dir-'));
  made.push(dir);
  for (const file of files) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), 'x');
  }
  return dir;
}

describe('--fresh', () => {
  it("discards the runtime's own files and nothing else of the directory", async () => {
    // `--state-dir . --fresh` in a repository used to delete the whole repository.
    const dir = directoryWith([
      'tables.json',
      'archive.jsonl',
      'tables.json.4242.tmp',
      'runtime.json',
      'README.md',
      'src/index.ts',
      '.git/HEAD',
    ]);
    const lines: string[] = [];
    await claimStateDir(stateDir(dir), { fresh: true, log: (line) => lines.push(line) });
    expect(readdirSync(dir).sort()).toEqual(['.git', 'README.md', 'runtime.json', 'src']);
    expect(existsSync(path.join(dir, 'src/index.ts'))).toBe(true);
    expect(existsSync(path.join(dir, '.git/HEAD'))).toBe(true);
    expect(lines.join('\n')).toContain(`--fresh: emptied ${dir}`);
  });

  it('keeps the state without --fresh', async () => {
    const dir = directoryWith(['tables.json', 'archive.jsonl']);
    await claimStateDir(stateDir(dir), { fresh: false, log: () => undefined });
    expect(readdirSync(dir).sort()).toEqual(['archive.jsonl', 'runtime.json', 'tables.json']);
  });
});
