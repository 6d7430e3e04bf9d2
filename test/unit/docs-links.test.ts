import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The pages checked: the front page and every page of docs/ (not docs/_pending/). */
function documentationFiles(): string[] {
  const docs = path.join(ROOT, 'docs');
  const pages = readdirSync(docs)
    .filter((name) => name.endsWith('.md'))
    .map((name) => path.join(docs, name));
  return [path.join(ROOT, 'README.md'), ...pages];
}

interface Link {
  readonly target: string;
  readonly line: number;
}

/** Markdown with fenced code blocks blanked out, line numbers kept. */
function withoutCodeBlocks(markdown: string): string[] {
  let fence: string | undefined;
  return markdown.split('\n').map((line) => {
    const marker = /^\s*(```|~~~)/.exec(line)?.[1];
    if (marker && (fence === undefined || fence === marker)) {
      fence = fence === undefined ? marker : undefined;
      return '';
    }
    return fence === undefined ? line : '';
  });
}

/**
 * The link targets of a Markdown text: inline links and images `[text](target "title")` and
 * reference definitions `[id]: target`, outside code blocks and code spans.
 */
function linksOf(markdown: string): Link[] {
  const links: Link[] = [];
  withoutCodeBlocks(markdown).forEach((text, index) => {
    const line = text.replace(/`[^`]*`/g, '``');
    for (const match of line.matchAll(/\]\(\s*(?:<([^>]+)>|([^)\s]+))(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ target: (match[1] ?? match[2]) as string, line: index + 1 });
    }
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(line);
    if (definition) links.push({ target: definition[1] as string, line: index + 1 });
  });
  return links;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slugOf(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown text's headings, with GitHub's `-1`, `-2` for repeated ones. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutCodeBlocks(markdown)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = slugOf(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/**
 * Why a relative link from `file` is broken, or undefined if it is not. Links with a scheme
 * (https:, mailto:) are not checked. A target must stay inside the repository (a file
 * beside a clone is not in it) and outside what git ignores, and an anchor into a Markdown
 * file must name one of its headings.
 */
function problemOf(file: string, target: string, root = ROOT): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  const hash = target.indexOf('#');
  const pathPart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
  const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const resolved = pathPart === '' ? file : path.resolve(path.dirname(file), pathPart);
  const inRepo = path.relative(root, resolved);
  if (inRepo.startsWith('..') || path.isAbsolute(inRepo)) {
    return `${target} points outside the repository`;
  }
  if (/^(node_modules|cdk\.out|dist|\.venv|coverage)(\/|$)/.test(inRepo)) {
    return `${target} points into ${inRepo.split('/')[0]}, which is not in the repository`;
  }
  if (!existsSync(resolved)) return `${target}: ${inRepo} does not exist`;
  if (anchor === undefined || anchor === '') return undefined;
  if (!resolved.endsWith('.md') || statSync(resolved).isDirectory()) return undefined;
  if (!anchorsOf(readFileSync(resolved, 'utf8')).has(anchor)) {
    return `${target}: ${inRepo} has no heading #${anchor}`;
  }
  return undefined;
}

describe('the documentation', () => {
  const files = documentationFiles();

  it('has a front page and pages in docs/', () => {
    expect(files.map((file) => path.relative(ROOT, file))).toEqual(
      expect.arrayContaining(['README.md', 'docs/README.md', 'docs/architecture.md']),
    );
  });

  it.each(files.map((file) => [path.relative(ROOT, file), file]))(
    'every relative link of %s resolves',
    (_name, file) => {
      const links = linksOf(readFileSync(file, 'utf8'));
      const problems = links.flatMap(({ target, line }) => {
        const problem = problemOf(file, target);
        return problem ? [`line ${line}: ${problem}`] : [];
      });
      expect(problems).toEqual([]);
    },
  );

  it('links the front page to every page of docs/', () => {
    const front = linksOf(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).map(
      ({ target }) => target.split('#')[0],
    );
    const pages = files.slice(1).map((file) => path.relative(ROOT, file));
    expect(pages.filter((page) => !front.includes(page))).toEqual([]);
  });
});

describe('the link checker', () => {
  const file = path.join(ROOT, 'docs', 'page.md');

  it('finds inline links, images and reference definitions, not code', () => {
    const markdown = [
      'See [a](a.md) and ![logo](img/logo.png "Logo"), or [b](<b c.md>).',
      '`[not](code.md)` and [c](c.md#part)',
      '```',
      '[fenced](fenced.md)',
      '```',
      '[ref]: ref.md',
    ].join('\n');
    expect(linksOf(markdown)).toEqual([
      { target: 'a.md', line: 1 },
      { target: 'img/logo.png', line: 1 },
      { target: 'b c.md', line: 1 },
      { target: 'c.md#part', line: 2 },
      { target: 'ref.md', line: 6 },
    ]);
  });

  it('makes anchors as GitHub does', () => {
    const anchors = anchorsOf(
      [
        '# The `hookbridge` CLI',
        '## At least once, and duplicates',
        '## Try it (one minute)',
        '## Notes',
        '## Notes',
        '```',
        '# not a heading',
        '```',
      ].join('\n'),
    );
    expect([...anchors]).toEqual([
      'the-hookbridge-cli',
      'at-least-once-and-duplicates',
      'try-it-one-minute',
      'notes',
      'notes-1',
    ]);
  });

  it('refuses a missing file, a missing heading and a path out of the repository', () => {
    expect(problemOf(file, 'architecture.md')).toBeUndefined();
    expect(problemOf(file, '../openapi.json')).toBeUndefined();
    expect(problemOf(file, 'architecture.md#known-ceilings')).toBeUndefined();
    expect(problemOf(file, 'https://example.com/missing.md')).toBeUndefined();
    expect(problemOf(file, 'nowhere.md')).toMatch(/does not exist/);
    expect(problemOf(file, 'architecture.md#no-such-heading')).toMatch(/has no heading/);
    // The design document lives beside the repository, not in it: a clone would not have it.
    expect(problemOf(file, '../../shared/DESIGN.md')).toMatch(/outside the repository/);
    expect(problemOf(file, '../node_modules/vitest/package.json')).toMatch(/not in the repository/);
  });
});
