import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The files of a local runtime's state directory. */
export interface StateDir {
  readonly dir: string;
  /** The DynamoDB tables, as of the last snapshot. */
  readonly tablesFile: string;
  /** The local event archive, one EventBridge event per line. */
  readonly archiveFile: string;
  /** Which runtime uses the directory and which motos it started: `{ pid, motoPids }`. */
  readonly lockFile: string;
}

/** Someone else's runtime uses the directory; its pid is in the message. */
export class StateDirInUseError extends Error {
  override readonly name = 'StateDirInUseError';
}

interface Lock {
  readonly pid: number;
  /** A lock written before the runtime ran DynamoDB in a moto of its own names one. */
  readonly motoPid?: number;
  readonly motoPids?: readonly number[];
}

/** The file names inside `dir` (nothing is created). */
export function stateDir(dir: string): StateDir {
  const resolved = path.resolve(dir);
  return {
    dir: resolved,
    tablesFile: path.join(resolved, 'tables.json'),
    archiveFile: path.join(resolved, 'archive.jsonl'),
    lockFile: path.join(resolved, 'runtime.json'),
  };
}

/**
 * Takes the state directory for this process: refuses when a live runtime holds it, stops a
 * moto left running by one that was killed (SIGKILL leaves no chance to stop it), deletes the
 * runtime's own files (and no others) when `fresh`, and records this process in the lock file.
 */
export async function claimStateDir(
  state: StateDir,
  options: { fresh: boolean; log: (line: string) => void },
): Promise<void> {
  mkdirSync(state.dir, { recursive: true });
  const lock = readLock(state.lockFile);
  if (lock && lock.pid !== process.pid && runs(lock.pid, 'node')) {
    throw new StateDirInUseError(
      `another hookbridge dev (pid ${lock.pid}) is using ${state.dir}; stop it or choose another --state-dir`,
    );
  }
  for (const motoPid of [...(lock?.motoPids ?? []), ...(lock?.motoPid ? [lock.motoPid] : [])]) {
    if (!runs(motoPid, 'moto')) continue;
    await stopProcess(motoPid);
    options.log(`stopped moto (pid ${motoPid}) left running by an earlier hookbridge dev`);
  }
  if (options.fresh) {
    // Only the runtime's own files: `--state-dir .` (or a typo naming a real directory) must
    // not wipe whatever else lives there.
    const own = new Set([state.tablesFile, state.archiveFile, state.lockFile]);
    // TableSnapshots writes `tables.json.<pid>.tmp` and renames it; a crash can leave one.
    const snapshotTemporary = /^tables\.json\.\d+\.tmp$/;
    for (const name of readdirSync(state.dir)) {
      const file = path.join(state.dir, name);
      if (own.has(file) || snapshotTemporary.test(name)) rmSync(file, { force: true });
    }
    options.log(`--fresh: emptied ${state.dir} of the earlier state`);
  }
  writeLock(state.lockFile, { pid: process.pid });
}

/** Records the motos this runtime started, so that the next start can stop them if we cannot. */
export function recordMotos(state: StateDir, motoPids: readonly number[]): void {
  writeLock(state.lockFile, { pid: process.pid, motoPids });
}

/** Gives the directory up (after a graceful stop). */
export function releaseStateDir(state: StateDir): void {
  if (readLock(state.lockFile)?.pid === process.pid) rmSync(state.lockFile, { force: true });
}

function readLock(file: string): Lock | undefined {
  try {
    const lock = JSON.parse(readFileSync(file, 'utf8')) as Partial<Lock>;
    return typeof lock.pid === 'number' ? (lock as Lock) : undefined;
  } catch {
    return undefined;
  }
}

function writeLock(file: string, lock: Lock): void {
  writeFileSync(file, `${JSON.stringify(lock)}\n`);
}

/**
 * Whether `pid` is alive and its command line mentions `name`: a pid in an old lock file may
 * have been reused by an unrelated process, which must not be stopped.
 */
function runs(pid: number, name: string): boolean {
  // Not alive, or (EPERM) another user's process: either way not ours to stop.
  if (!signal(pid, 0)) return false;
  const ps = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
  return ps.status === 0 && ps.stdout.includes(name);
}

async function stopProcess(pid: number): Promise<void> {
  if (!signal(pid, 'SIGTERM')) return;
  for (let waited = 0; waited < 3000; waited += 100) {
    await sleep(100);
    if (!signal(pid, 0)) return;
  }
  signal(pid, 'SIGKILL');
}

/** Sends `name` to `pid`; false when there is no such process (or it is not ours). */
function signal(pid: number, name: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}
