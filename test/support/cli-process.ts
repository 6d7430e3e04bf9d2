import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * `hookbridge …` run as real processes through bin/hookbridge.js, as a user types it: for the
 * CLI's end-to-end tests against `hookbridge dev`.
 */
const BIN = path.resolve(import.meta.dirname, '../../bin/hookbridge.js');
const children = new Set<ChildProcess>();
const reportedPids = new Set<number>();

/** A `hookbridge` process still running, its stdout collected line by line. */
export interface Running {
  readonly child: ChildProcess;
  readonly lines: string[];
  stderr(): string;
  readonly exited: Promise<number | null>;
}

/** Starts `hookbridge …` with the test's environment plus `env`. */
export function start(args: string[], env: Record<string, string | undefined> = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      if (partial) lines.push(partial);
      resolve(code ?? (signal ? -1 : null));
    }),
  );
  return { child, lines, stderr: () => stderr, exited };
}

/** Runs `hookbridge …` to completion (30 s at most). */
export async function run(args: string[], env: Record<string, string | undefined> = {}) {
  const running = start(args, env);
  const code = await Promise.race([running.exited, sleep(30_000).then(() => 'timeout' as const)]);
  if (code === 'timeout') {
    running.child.kill('SIGKILL');
    throw new Error(`hookbridge ${args.join(' ')} did not finish within 30 s`);
  }
  return { code, stdout: running.lines.join('\n'), stderr: running.stderr() };
}

/** Polls until `find` returns something, failing with what the process printed after `ms`. */
export async function waitFor<T>(
  what: string,
  running: Running,
  find: () => T | undefined,
  ms: number,
): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const found = find();
    if (found !== undefined) return found;
    if (running.child.exitCode !== null) break;
    await sleep(50);
  }
  throw new Error(
    `${what}: not seen within ${ms} ms (exit ${running.child.exitCode})\nstdout:\n${running.lines.join('\n')}\nstderr:\n${running.stderr()}`,
  );
}

/** The `--json` ready line of `hookbridge dev`. */
export interface Ready {
  readonly apiUrl: string;
  readonly awsEndpointUrl: string;
  readonly pid: number;
  readonly awsEndpointPid: number | null;
}

/** `hookbridge dev --port 0 --json` on a state directory of the test's own, and its ready line. */
export async function startDev(stateDir: string, env: Record<string, string | undefined>) {
  const dev = start(['dev', '--port', '0', '--json', '--state-dir', stateDir, '--fresh'], env);
  const ready = await waitFor(
    'the ready line of hookbridge dev',
    dev,
    () => readyLine(dev.lines),
    60_000,
  );
  if (ready.awsEndpointPid) reportedPids.add(ready.awsEndpointPid);
  return { dev, ready };
}

/** Other lines (a log line of a handler) may come first: the ready line is the one with apiUrl. */
function readyLine(lines: readonly string[]): Ready | undefined {
  for (const line of lines) {
    const json = parseJson(line);
    if (typeof json?.apiUrl === 'string') return json as unknown as Ready;
  }
  return undefined;
}

/** Ctrl-C, as a user would; resolves to the exit code (or throws after 20 s). */
export async function interrupt(running: Running) {
  running.child.kill('SIGINT');
  const code = await Promise.race([running.exited, sleep(20_000).then(() => 'timeout' as const)]);
  if (code === 'timeout') throw new Error(`still running 20 s after SIGINT:\n${running.stderr()}`);
  return code;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** For afterAll: asks every process still running to stop, then insists, so none outlives the test. */
export async function stopAll(): Promise<void> {
  for (const child of children) child.kill('SIGINT');
  const deadline = Date.now() + 10_000;
  while (children.size > 0 && Date.now() < deadline) await sleep(100);
  for (const child of children) child.kill('SIGKILL');
  for (const pid of reportedPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
}

/** Registers a child the test spawned itself, so stopAll stops it too. */
export function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}
