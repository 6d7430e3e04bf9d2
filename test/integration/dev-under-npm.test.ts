import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alive, type DevReady, gone } from '../support/dev-process.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const stateDir = mkdtempSync(path.join(tmpdir(), 'hookbridge-npm-dev-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

describe('npm run dev', () => {
  it('stops with everything it started when npm is sent SIGTERM (npm passes it to a shell that does not)', async () => {
    const npm = spawn(
      'npm',
      ['run', 'dev', '--', '--port', '0', '--json', '--state-dir', stateDir, '--fresh'],
      { cwd: ROOT, env: { ...process.env, AWS_ENDPOINT_URL: undefined }, stdio: 'pipe' },
    );
    try {
      const ready = await new Promise<DevReady>((resolve, reject) => {
        let stdout = '';
        npm.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString('utf8');
          const line = stdout.split('\n').find((l) => l.startsWith('{"apiUrl"'));
          if (line) resolve(JSON.parse(line) as DevReady);
        });
        npm.once('exit', (code) => reject(new Error(`npm run dev exited ${code}: ${stdout}`)));
      });
      const motoPid = ready.awsEndpointPid ?? 0;
      expect(alive(ready.pid)).toBe(true);
      expect(alive(motoPid)).toBe(true);

      npm.kill('SIGTERM');
      // Whether it stops, not how fast: the bound only keeps a hang from stalling the suite, and is
      // wide because stopping saves the tables and stops two motos (over 30 s at load 8).
      expect(await gone(ready.pid, 90_000)).toBe(true);
      expect(await gone(motoPid)).toBe(true);
    } finally {
      npm.kill('SIGKILL');
    }
  }, 150_000);
});
