import { buildWeb } from '../local/web-build.js';

// `npm run build:web`: builds web/ into web/dist/ and prints what ships, gzipped.
const build = await buildWeb();
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
for (const asset of build.assets) {
  console.log(
    `${asset.name.padEnd(32)} ${kb(asset.bytes).padStart(9)}  gzip ${kb(asset.gzipBytes)}`,
  );
}
console.log(`JavaScript, gzipped: ${kb(build.jsGzipBytes)} (budget 150 KB) → ${build.outDir}`);
