import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { SignatureV4 } from '@smithy/signature-v4';

/** AWS credentials; structurally the SDK's AwsCredentialIdentity. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** A request the API client is about to send. */
export interface SignableRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Returns the headers to send: the request's own plus the SigV4 ones. */
export type RequestSigner = (request: SignableRequest) => Promise<Record<string, string>>;

export interface SigV4SignerOptions {
  readonly region: string;
  readonly credentials: AwsCredentials | (() => Promise<AwsCredentials>);
  /** @default 'execute-api' (API Gateway with IAM authorization) */
  readonly service?: string;
  /** The signing clock; tests fix it. @default () => new Date() */
  readonly now?: () => Date;
}

type Data = string | ArrayBuffer | ArrayBufferView;

function toBuffer(data: Data): Buffer | string {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * SHA-256 and HMAC-SHA-256 from node:crypto in the shape @smithy/signature-v4 wants, so the
 * CLI needs no @aws-crypto package for the one hash it uses.
 */
class NodeSha256 {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: Data) {
    this.hash = this.create();
  }

  update(data: Data): void {
    this.hash.update(toBuffer(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.create();
  }

  private create(): Hash | Hmac {
    return this.secret === undefined
      ? createHash('sha256')
      : createHmac('sha256', toBuffer(this.secret));
  }
}

/**
 * A signer for requests to a deployed stack, whose API Gateway routes use IAM authorization:
 * SigV4 for `execute-api` in the stack's region. The `host` header is signed (SigV4 requires
 * it) but left out of the returned headers, because fetch sets it from the URL itself.
 */
export function createSigV4Signer(options: SigV4SignerOptions): RequestSigner {
  // Loaded on the first signed request: most calls go to the local runtime and never sign,
  // and every CLI call would otherwise load the signer at start-up.
  let loading: Promise<SignatureV4> | undefined;
  const loadSigner = () => {
    loading ??= import('@smithy/signature-v4').then(
      (loaded: SignerModule & { default?: SignerModule }) =>
        new (loaded.SignatureV4 ?? required(loaded.default?.SignatureV4, '@smithy/signature-v4'))({
          service: options.service ?? 'execute-api',
          region: options.region,
          credentials: options.credentials,
          sha256: NodeSha256,
        }),
    );
    loading.catch(() => {
      loading = undefined;
    });
    return loading;
  };
  return async ({ method, url, headers, body }) => {
    const signer = await loadSigner();
    const query: Record<string, string | string[]> = {};
    for (const [name, value] of url.searchParams) {
      const seen = query[name];
      query[name] = seen === undefined ? value : [...[seen].flat(), value];
    }
    const signed = await signer.sign(
      {
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port && { port: Number(url.port) }),
        path: url.pathname,
        query,
        headers: { ...headers, host: url.host },
        ...(body !== undefined && { body }),
      },
      { signingDate: options.now?.() ?? new Date() },
    );
    const { host: _host, ...rest } = signed.headers;
    return rest;
  };
}

/** `abc123.execute-api.eu-west-1.amazonaws.com` → `eu-west-1`, so `--region` is rarely needed. */
export function regionFromHost(hostname: string): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/i.exec(hostname)?.[1];
}

/**
 * The standard AWS credential chain (environment, SSO, shared config and credentials files,
 * web identity, container and instance metadata), loaded only when a request is signed so
 * that commands against the local runtime never load it.
 */
export async function defaultCredentials(): Promise<() => Promise<AwsCredentials>> {
  type Chain = typeof import('@aws-sdk/credential-provider-node');
  const loaded: Chain & { default?: Chain } = await import('@aws-sdk/credential-provider-node');
  const defaultProvider =
    loaded.defaultProvider ??
    required(loaded.default?.defaultProvider, '@aws-sdk/credential-provider-node');
  return defaultProvider();
}

type SignerModule = typeof import('@smithy/signature-v4');

/**
 * An export of a CommonJS package loaded with `import()`: Node names its exports, but in the
 * compiled CLI (an esbuild bundle split into chunks) the chunk exports only `default`, the
 * package's `module.exports`, so the caller looks there second.
 */
function required<T>(value: T | undefined, pkg: string): T {
  if (value === undefined) throw new Error(`${pkg} did not load: its export is missing`);
  return value;
}
