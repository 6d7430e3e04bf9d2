import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** A running (or borrowed) AWS-compatible endpoint. */
export interface AwsEndpoint {
  /** Base URL, e.g. `http://127.0.0.1:4566`. */
  readonly url: string;
  /** The moto process we started, or undefined when the endpoint came from `AWS_ENDPOINT_URL`. */
  readonly pid: number | undefined;
  /** Clears all state (moto only; a no-op on a borrowed endpoint that is not moto). */
  reset(): Promise<void>;
  /** Stops the process we started; a no-op on a borrowed endpoint. */
  stop(): Promise<void>;
}

export interface StartLocalAwsOptions {
  /** Use this endpoint instead of starting moto. @default process.env.AWS_ENDPOINT_URL */
  readonly endpointUrl?: string | undefined;
  /**
   * Whether `AWS_ENDPOINT_URL` may name the endpoint. Tests pass false: they reset the
   * endpoint between files, which must never be a developer's running one. @default true
   */
  readonly fromEnvironment?: boolean;
  /** Port for moto. @default a free loopback port */
  readonly port?: number;
  /** Where a project-local virtualenv lives. @default `<cwd>/.venv` */
  readonly venvDir?: string;
  /** How long to wait for moto to answer. @default 30 s */
  readonly startTimeoutMs?: number;
}

export class LocalAwsError extends Error {
  override readonly name: string = 'LocalAwsError';
}

/** moto is not installed and could not be installed (no PyPI): nothing to start. */
export class MotoMissingError extends LocalAwsError {
  override readonly name = 'MotoMissingError';
}

/**
 * The moto the local runtime and the tests are written against (its gaps are worked around
 * and asserted by name, see LOCAL-AWS.md): installed pinned, so a newer one cannot surprise.
 */
const MOTO_REQUIREMENT = 'moto[server]==5.2.1';

const MOTO_MISSING_HELP = [
  'moto (the local AWS endpoint) is not installed and could not be installed.',
  'Install it with one of:',
  "  pip install 'moto[server]==5.2.1'      (then `moto_server` must be on PATH)",
  "  python3 -m venv .venv && .venv/bin/pip install 'moto[server]==5.2.1'",
  'or point Hookbridge at another endpoint: AWS_ENDPOINT_URL=http://localhost:4566 (LocalStack works too).',
].join('\n');

/**
 * Starts the local AWS endpoint the way DESIGN §5 describes: an endpoint named in
 * `AWS_ENDPOINT_URL` is used as it is; otherwise moto is started in server mode on a free
 * loopback port (installing it into `.venv` first if it is missing and pip can reach PyPI),
 * and the promise resolves once it answers. The caller stops it with `stop()`, by pid.
 */
export async function startLocalAws(options: StartLocalAwsOptions = {}): Promise<AwsEndpoint> {
  const borrowed =
    options.endpointUrl ??
    (options.fromEnvironment === false ? undefined : process.env.AWS_ENDPOINT_URL);
  if (borrowed) return borrowedEndpoint(borrowed.replace(/\/$/, ''));

  const command = findMoto(options.venvDir ?? path.resolve('.venv'));
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(command.file, [...command.args, '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // The launcher exits when this process is gone, even after a SIGKILL (moto-server.py).
    env: { ...process.env, HOOKBRIDGE_PARENT_PID: String(process.pid) },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (
      await resetMoto(url).then(
        () => true,
        () => false,
      )
    )
      return managedEndpoint(url, child, exited);
    await sleep(100);
  }
  await stopChild(child, exited);
  const portTaken = /address already in use/i.test(stderr);
  throw new LocalAwsError(
    portTaken
      ? `port ${port} is already in use; choose another port for the local AWS endpoint`
      : `moto did not start on ${url} within the time limit.\n${stderr.trim()}`,
  );
}

function borrowedEndpoint(url: string): AwsEndpoint {
  return {
    url,
    pid: undefined,
    reset: () => resetMoto(url).catch(() => undefined),
    stop: async () => undefined,
  };
}

function managedEndpoint(
  url: string,
  child: ChildProcess,
  exited: Promise<number | null>,
): AwsEndpoint {
  return {
    url,
    pid: child.pid,
    reset: () => resetMoto(url),
    stop: () => stopChild(child, exited),
  };
}

async function resetMoto(url: string): Promise<void> {
  const response = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new LocalAwsError(`moto reset answered ${response.status}`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
  if (!stopped) {
    child.kill('SIGKILL');
    await exited;
  }
}

interface Command {
  readonly file: string;
  readonly args: string[];
}

/** The launcher beside this file: moto's server with a cached JSONPath parser. */
const MOTO_LAUNCHER = fileURLToPath(new URL('./moto-server.py', import.meta.url));

/**
 * Finds moto: a Python (the project's `.venv`, then `python3`) that can import it runs it
 * through our launcher; failing that, a `moto_server` on PATH runs as it is.
 */
function findMoto(venvDir: string): Command {
  const venvPython = path.join(venvDir, 'bin', 'python');
  for (const python of [venvPython, 'python3']) {
    if (
      (python !== venvPython || existsSync(python)) &&
      succeeds(python, ['-c', 'import moto.server'])
    ) {
      return { file: python, args: [MOTO_LAUNCHER] };
    }
  }
  if (succeeds('moto_server', ['--help'])) return { file: 'moto_server', args: [] };
  if (installIntoVenv(venvDir)) return { file: venvPython, args: [MOTO_LAUNCHER] };
  throw new MotoMissingError(MOTO_MISSING_HELP);
}

function installIntoVenv(venvDir: string): boolean {
  process.stderr.write(`moto not found; installing '${MOTO_REQUIREMENT}' into ${venvDir} …\n`);
  if (!existsSync(venvDir) && !succeeds('python3', ['-m', 'venv', venvDir])) return false;
  const pip = path.join(venvDir, 'bin', 'pip');
  return succeeds(pip, ['install', '--quiet', MOTO_REQUIREMENT], 300_000);
}

function succeeds(file: string, args: string[], timeout = 20_000): boolean {
  const result = spawnSync(file, args, { stdio: 'ignore', timeout });
  return result.status === 0;
}

/** Asks the kernel for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new LocalAwsError('could not find a free port'));
      });
    });
  });
}
