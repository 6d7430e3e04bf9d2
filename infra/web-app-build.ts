import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WEB_DIST, WEB_ROOT } from '../local/web-build.js';

const built = new Set<string>();

/**
 * The web app's build for a deployment: `distDir` as given, or the repository's `web/dist`,
 * brought up to date with its sources first. A construct is synthesised synchronously and the
 * build is asynchronous, so the build runs in a child process, once per process (a test file
 * synthesises many stacks). An installed package has no `web/src`: its `web/dist` ships built.
 */
export function webAppBuild(distDir?: string): { distDir: string; indexHtml: string } {
  const dir = distDir ?? WEB_DIST;
  if (distDir === undefined && !built.has(dir) && existsSync(path.join(WEB_ROOT, 'src'))) {
    const module = pathToFileURL(path.resolve(import.meta.dirname, '../local/web-build.ts'));
    const script = `import { ensureWebBuilt } from ${JSON.stringify(module.href)}; await ensureWebBuilt();`;
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', script],
      { cwd: path.resolve(import.meta.dirname, '..'), encoding: 'utf8' },
    );
    if (result.status !== 0) {
      throw new Error(
        `the web app could not be built for deployment (npm run build:web): ${result.stderr || result.error?.message}`,
      );
    }
    built.add(dir);
  }
  const index = path.join(dir, 'index.html');
  if (!existsSync(index) || !existsSync(path.join(dir, 'assets'))) {
    throw new Error(
      `no web app build in ${dir} (index.html and assets/): run \`npm run build:web\`, or deploy without it (webApp: false)`,
    );
  }
  return { distDir: dir, indexHtml: readFileSync(index, 'utf8') };
}
