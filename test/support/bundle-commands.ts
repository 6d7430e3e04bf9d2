import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions, LAMBDA_ENTRIES, type LambdaName } from '../../infra/lambda-bundling.js';

const root = path.resolve(import.meta.dirname, '../..');

/** A source file a function's bundle includes, by repository path (`node_modules/…` for packages). */
export interface BundledSource {
  readonly file: string;
  readonly text: string;
  /** Whether it is the project's own code (not a package). */
  readonly firstParty: boolean;
}

/**
 * The source files of a function's bundle as the stack builds it (esbuild's metafile, nothing
 * written): the project's own files, and Powertools (whose idempotency utility sends DynamoDB
 * commands of its own). The SDK's own files are left out: they define commands and waiters,
 * which send nothing unless our code calls them.
 */
export async function bundledSources(name: LambdaName): Promise<BundledSource[]> {
  const { metafile } = await build({
    ...esbuildOptions(path.join(root, LAMBDA_ENTRIES[name]), path.join(root, 'dist', 'iam-scan')),
    absWorkingDir: root,
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  return Object.keys(metafile.inputs).flatMap((input) => {
    const at = input.lastIndexOf('node_modules/');
    const file = at === -1 ? input : input.slice(at);
    const firstParty = at === -1;
    if (!firstParty && !file.startsWith('node_modules/@aws-lambda-powertools/')) return [];
    return [{ file, firstParty, text: readFileSync(path.resolve(root, input), 'utf8') }];
  });
}

/** Every `new XxxCommand(` of the sources: the SDK commands the code can send, by file. */
export function sentCommands(sources: readonly BundledSource[]): string[] {
  return sources.flatMap(({ file, text }) => [
    ...new Set([...text.matchAll(/\bnew\s+(\w+)Command\s*\(/g)].map((m) => `${m[1]} ${file}`)),
  ]);
}
