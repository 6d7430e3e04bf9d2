import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import {
  freePort,
  interrupt,
  parseJson,
  type Running,
  run,
  start,
  startDev,
  stopAll,
  waitFor,
} from './cli-process.js';

export type TenantName = 'acme' | 'globex';

/** An answer as JSON.parse gives it: the tests assert on its shape. */
type Parsed = ReturnType<typeof JSON.parse>;

/**
 * `hookbridge dev` with two tenants, each with one subscription (`order.*`) and a
 * `hookbridge listen` receiving it: the stage of the CLI's tenant tests.
 */
export interface CliTenants {
  /** The operator's environment: the runtime's URL, and no ambient key or token. */
  readonly operator: Record<string, string>;
  readonly subs: Readonly<Record<TenantName, string>>;
  readonly listeners: Readonly<Record<TenantName, Running>>;
  /** `hookbridge … --json` as the operator, which must exit 0; its parsed answer. */
  ok(args: string[], env?: Record<string, string>): Promise<Parsed>;
  /**
   * `hookbridge …` with a credential (in `env`, or `--token`/`--api-key` in `args`); its exit
   * code and output, which the call checks never contain that credential, whatever the outcome.
   */
  as(env: Record<string, string>, args: string[]): ReturnType<typeof run>;
  /** The webhook-ids a tenant's listener received, in order. */
  received(tenant: TenantName): unknown[];
  /** Ctrl-C to every process; `hookbridge dev` must exit 0. */
  stop(): Promise<void>;
}

/** Starts the stage; `env` goes to `hookbridge dev` (e.g. no authorizer cache). */
export async function startCliTenants(env: Record<string, string> = {}): Promise<CliTenants> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'hookbridge-cli-tenants-'));
  const { dev, ready } = await startDev(stateDir, env);
  const operator = {
    HOOKBRIDGE_ENDPOINT: ready.apiUrl,
    HOOKBRIDGE_API_KEY: '',
    HOOKBRIDGE_TOKEN: '',
  };

  const ok = async (args: string[], extra: Record<string, string> = {}) => {
    const result = await run([...args, '--json'], { ...operator, ...extra });
    expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    return JSON.parse(result.stdout);
  };
  const as = async (credential: Record<string, string>, args: string[]) => {
    const result = await run(args, { ...operator, ...credential });
    const held = [
      ...Object.values(credential),
      ...args.filter((_, index) => ['--token', '--api-key'].includes(args[index - 1] ?? '')),
    ];
    for (const value of held.filter(Boolean)) {
      expect(
        `${result.stdout}\n${result.stderr}`.includes(value),
        `${args.join(' ')} printed its credential`,
      ).toBe(false);
    }
    return result;
  };

  const subs = { acme: '', globex: '' };
  const listeners: Partial<Record<TenantName, Running>> = {};
  for (const tenant of ['acme', 'globex'] as const) {
    await ok(['tenants', 'create', tenant, '--name', tenant]);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/webhook`;
    const created = await ok([
      ...['subscriptions', '--tenant', tenant, 'create'],
      ...['--url', url, '--event-types', 'order.*'],
    ]);
    subs[tenant] = created.id;
    const listener = start(
      ['listen', '--port', String(port), '--json', '--subscription', created.id],
      operator,
    );
    listeners[tenant] = listener;
    await waitFor(
      'the listener',
      listener,
      () => (/listening on/.test(listener.stderr()) ? true : undefined),
      20_000,
    );
  }
  const all = listeners as Record<TenantName, Running>;

  return {
    operator,
    subs,
    listeners: all,
    ok,
    as,
    received: (tenant) => all[tenant].lines.map(parseJson).map((line) => line?.id),
    async stop() {
      for (const listener of Object.values(all)) await interrupt(listener);
      expect(await interrupt(dev)).toBe(0);
      await stopAll();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
