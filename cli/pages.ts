import type { Command } from 'commander';
import type { RequestOptions } from './api-client.js';
import { integerIn } from './arguments.js';
import type { CommandContext, RouteAccess } from './cli-context.js';

/** The paging flags of a `list` command. */
export interface PageOptions {
  readonly limit: number;
  readonly cursor?: string;
  readonly all?: boolean;
}

/** Adds `--limit`, `--cursor` and `--all` to a `list` command of `noun`s. */
export function withPageOptions(command: Command, noun: string): Command {
  return command
    .option('--limit <n>', `${noun} per page (1–100)`, integerIn(1, 100), 50)
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--all', 'follow every page');
}

/** How a list is fetched besides its paging flags. */
export interface ListRequest {
  readonly path: string;
  /** Filters sent with every page (`type`, `from`…). */
  readonly query?: RequestOptions['query'];
  /** Who may call the route (see RouteAccess). @default 'operator' */
  readonly access?: RouteAccess;
  /** With `iam`: what the route manages, for the refusal of a key or token. */
  readonly iamOnly?: string;
}

/**
 * Lists `path` as its flags ask: one page of `limit` from `cursor`, or every page with `--all`,
 * and prints the items (`table`, or `empty` when there are none) with the cursor to go on from.
 */
export async function listPages<T>(
  ctx: CommandContext,
  list: string | ListRequest,
  options: PageOptions,
  show: { readonly empty: string; readonly table: (items: T[]) => string },
): Promise<void> {
  const { path, query, access, iamOnly } = typeof list === 'string' ? { path: list } : list;
  const client = await ctx.client(access, iamOnly);
  const data: T[] = [];
  let cursor = options.cursor;
  do {
    const { body: page } = await client.request<{ data: T[]; nextCursor?: string }>('GET', path, {
      query: { ...query, limit: options.all ? 100 : options.limit, cursor },
    });
    data.push(...page.data);
    cursor = page.nextCursor;
  } while (options.all && cursor);
  // A page may be short, even empty, and still have a cursor (the API reads a bounded amount
  // per page): "none" would be wrong then.
  ctx.result({ data, ...(cursor && { nextCursor: cursor }) }, () =>
    data.length > 0
      ? show.table(data)
      : cursor
        ? 'nothing on this page; more may follow'
        : show.empty,
  );
  if (cursor && !ctx.json) ctx.note(`more: --cursor ${cursor} (or --all)`);
}
