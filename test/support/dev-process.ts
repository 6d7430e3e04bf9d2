import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const BIN = path.resolve(import.meta.dirname, '../../bin/hookbridge.js');

/** The `--json` ready line of `hookbridge dev`. */
export interface DevReady {
  readonly apiUrl: string;
  readonly awsEndpointUrl: string;
  readonly pid: number;
  readonly awsEndpointPid: number | null;
  readonly stateDir: string | null;
}

/** A `hookbridge dev` process the test started. */
export interface DevProcess {
  readonly child: ChildProcess;
  readonly ready: DevReady;
  /** What it wrote to stderr so far (its progress lines). */
  stderr(): string;
  /** Resolves to the exit code (-1 when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Ctrl-C; resolves to the exit code. */
  interrupt(): Promise<number | null>;
}

const running = new Set<ChildProcess>();

/**
 * Starts `hookbridge dev --port 0 --json …` as a real process with its own moto (no
 * AWS_ENDPOINT_URL) and waits for its ready line; rejects with its output if it exits first.
 */
export async function startDevProcess(args: string[]): Promise<DevProcess> {
  const result = runDevProcess(args);
  const ready = await result.ready;
  return { ...result, ready };
}

/** Starts `hookbridge dev` and resolves when it exits, with its code and stderr. */
export function runDevProcess(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'dev', '--port', '0', '--json', ...args], {
    env: { ...process.env, AWS_ENDPOINT_URL: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? (signal ? -1 : null));
    }),
  );
  const ready = (async () => {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const line = stdout.split('\n').find((l) => l.startsWith('{"apiUrl"'));
      if (line) return JSON.parse(line) as DevReady;
      if (child.exitCode !== null) break;
      await sleep(50);
    }
    throw new Error(`hookbridge dev did not get ready (exit ${child.exitCode}):\n${stderr}`);
  })();
  // Awaited by startDevProcess; a caller expecting a failure to start awaits `exited` instead.
  ready.catch(() => undefined);
  return {
    child,
    ready,
    exited,
    stderr: () => stderr,
    async interrupt() {
      child.kill('SIGINT');
      return Promise.race([exited, sleep(20_000).then(() => 'timeout' as const)]).then((code) => {
        if (code === 'timeout') throw new Error(`still running 20 s after SIGINT:\n${stderr}`);
        return code;
      });
    },
  };
}

/** SIGKILLs every dev process still running (for afterAll). */
export function killDevProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Whether a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Waits (at most `ms`) for `pid` to be gone; true if it is. */
export async function gone(pid: number, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid) && Date.now() < deadline) await sleep(50);
  return !alive(pid);
}
