import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from '../shared/http/openapi.js';

// Writes openapi.json at the repository root from the validation schemas. Run it after any
// change to a request or response schema; a unit test fails until the committed file matches.
const root = new URL('../', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  version: string;
};
const target = fileURLToPath(new URL('openapi.json', root));
writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(version), null, 2)}\n`);
// `npm test` lints the whole tree, this file too: leave it as Biome would print it.
execFileSync(
  fileURLToPath(new URL('node_modules/.bin/biome', root)),
  ['format', '--write', target],
  {
    stdio: 'inherit',
  },
);
console.log(`wrote ${target} (version ${version})`);
