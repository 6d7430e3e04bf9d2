/**
 * What `parseStrictJson` costs over `JSON.parse`, side by side in one run, on ingest bodies of
 * about 240 KB (under the 256 KB EventBridge entry limit): plain JSON (the fast path: one scan
 * and `JSON.parse`), JSON with `\u` escapes (adds the walk), and JSON with 16+ digit numbers
 * (adds the reviver). Prints medians and ratios; asserts nothing.
 *
 *   npx tsx bench/strict-json.ts [--rounds 40]
 */
import { parseStrictJson } from '../shared/http/strict-json.js';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 40;

function body(item: (i: number) => Record<string, unknown>): string {
  const items = Array.from({ length: 2800 }, (_, i) => item(i));
  return JSON.stringify({ type: 'order.created', data: { items } });
}

const cases: Record<string, string> = {
  plain: body((i) => ({ id: i, price: i * 1.25, name: `item ${i} Grüße`, tags: ['a', 'b'] })),
  escapes: body((i) => ({ id: i, price: i * 1.25, name: `item ${i} \u0001`, tags: ['a', 'b'] })),
  'long numbers': body((i) => ({ id: i, price: i / 7, name: `item ${i}`, tags: ['a', 'b'] })),
};

function median(fn: () => unknown): number {
  for (let i = 0; i < 10; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)] as number;
}

console.log(`rounds ${rounds}, node ${process.version}`);
console.log('body          bytes    JSON.parse  parseStrictJson  ratio');
for (const [name, text] of Object.entries(cases)) {
  const plain = median(() => JSON.parse(text));
  const strict = median(() => parseStrictJson(text));
  console.log(
    `${name.padEnd(13)} ${String(Buffer.byteLength(text)).padStart(6)}  ${plain.toFixed(2).padStart(8)} ms  ${strict.toFixed(2).padStart(12)} ms  ${(strict / plain).toFixed(1).padStart(5)}×`,
  );
}
