import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCli } from '../../cli/run-cli.js';

/** One request as the fake API received it. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** A canned answer: a JSON body, or `raw` text as it is, with extra headers if any. */
export type CannedAnswer = {
  status: number;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
};

/**
 * A stand-in for the Hookbridge API on loopback, over real HTTP: canned answers by
 * "METHOD /path?query" (an array answers in turn), and every request recorded. Anything not
 * canned answers the local gateway's 404.
 */
export interface FakeApi {
  readonly endpoint: string;
  readonly answers: Record<string, CannedAnswer | CannedAnswer[]>;
  readonly requests: RecordedRequest[];
  /** Forgets the answers and the requests (between tests). */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeApi(): Promise<FakeApi> {
  const answers: Record<string, CannedAnswer | CannedAnswer[]> = {};
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: text ? JSON.parse(text) : undefined,
      });
      const key = `${req.method} ${req.url}`;
      const canned = answers[key];
      const answer = Array.isArray(canned) ? canned.shift() : canned;
      if (!answer) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'not_found', message: `no route for ${key}` } }));
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answers,
    requests,
    reset() {
      for (const key of Object.keys(answers)) delete answers[key];
      requests.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** What one in-process run of the CLI printed, and its exit code. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `hookbridge …` in-process with exactly this environment, capturing what it prints. */
export async function runCliCaptured(
  args: readonly string[],
  env: Record<string, string>,
  cwd: string = process.cwd(),
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
    cwd,
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}
