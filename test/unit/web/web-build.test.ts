import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../../../local/web-build.js';

const outDir = await mkdtemp(path.join(tmpdir(), 'hookbridge-web-'));
afterAll(() => rm(outDir, { recursive: true, force: true }));

describe('the web build', () => {
  it('ships hashed JS and CSS within the 150 KB gzip budget, named by index.html', async () => {
    const build = await buildWeb({ outDir });
    expect(build.jsGzipBytes).toBeGreaterThan(0);
    expect(build.jsGzipBytes).toBeLessThanOrEqual(150 * 1024);
    const files = await readdir(path.join(outDir, 'assets'));
    expect(files.sort()).toEqual(build.assets.map((a) => a.name).sort());
    for (const file of files) expect(file).toMatch(/^app-[A-Z0-9]{8}\.(js|css)$/);
    const html = await readFile(path.join(outDir, 'index.html'), 'utf8');
    const referenced = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)].map((m) => m[1]);
    expect(referenced.sort()).toEqual(files.sort());
    // Nothing inline: the CSP allows no inline script or style.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style="/);
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
  });

  it('is reproducible: the same sources give the same file names', async () => {
    const first = await buildWeb({ outDir });
    const second = await buildWeb({ outDir });
    expect(second.assets.map((a) => a.name)).toEqual(first.assets.map((a) => a.name));
    expect(second.sourceHash).toBe(first.sourceHash);
  });

  it('never bundles server code', async () => {
    const build = await buildWeb({ outDir });
    const script = build.assets.find((a) => a.name.endsWith('.js'));
    const code = await readFile(path.join(outDir, 'assets', script?.name ?? ''), 'utf8');
    expect(code).not.toMatch(/@aws-sdk|DynamoDB|process\.env|node:/);
  });
});
