import path from 'node:path';
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { ASSETS_PATH } from '../../local/web-build.js';
import { contentSecurityPolicy, parseFrameAncestors } from '../../local/web-static.js';
import { webAppBuild } from '../web-app-build.js';
import { acknowledgeWebAppFindings } from '../web-app-nag.js';

export interface WebAppProps {
  /**
   * Which pages may show the app in a frame (CSP `frame-ancestors` sources): `'self'`, or
   * origins like `https://app.example.com` for a customer-facing app that embeds the portal.
   * @default ["'none'"] - no page may frame it
   */
  readonly frameAncestors?: readonly string[];
  /**
   * The web app's build (`index.html` and `assets/`).
   * @default - the repository's `web/dist`, built from `web/src` first when out of date
   */
  readonly distDir?: string;
  /**
   * What happens to the bucket when it leaves the stack; `DESTROY` empties it first.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The cache lifetime of hashed assets: a new build has new names, so never revalidate. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The pages (`index.html`, `config.json`) are revalidated on every load. */
export const NO_CACHE = 'no-cache';
// CloudFront Functions run cloudfront-js-2.0 (ES5-ish): keep this plain.
const REWRITE_TO_INDEX = `function handler(event) {
  var request = event.request;
  if (request.uri !== '/config.json') request.uri = '/index.html';
  return request;
}`;

/**
 * The portal and console, deployed: a private, encrypted bucket (no website hosting, TLS
 * only) that only this CloudFront distribution may read (Origin Access Control). Viewers get
 * HTTPS (HTTP redirects), the local gateway's security headers, hashed assets cached for a
 * year and the pages revalidated; every path outside `/assets/` is `index.html`, as locally,
 * while a missing asset stays an error rather than a page. The pages are deployed by
 * `deployPages` once the API they call exists.
 */
export class WebApp extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly distribution: cloudfront.Distribution;
  public readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  /** `https://<distribution domain>`: the origin the token API's CORS admits. */
  public readonly origin: string;
  /** The app's base URL, ending in `/`; the portal is `<url>portal#token=…`. */
  public readonly url: string;
  /** The CSP `frame-ancestors` value. */
  public readonly frameAncestors: string;
  private readonly build: { distDir: string; indexHtml: string };
  private readonly assets: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: WebAppProps = {}) {
    super(scope, id);
    this.frameAncestors = checkedFrameAncestors(this, props.frameAncestors ?? ["'none'"]);
    this.build = webAppBuild(props.distDir);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    });
    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Hookbridge web app: the security headers of the local gateway, and HSTS',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: deployedCsp(this.frameAncestors),
          override: true,
        },
        contentTypeOptions: { override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER,
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });
    const origin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    const common = {
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      responseHeadersPolicy: this.responseHeadersPolicy,
      compress: true,
    };
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Hookbridge web app (portal and console)',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        ...common,
        // The pages carry `no-cache` from S3: CloudFront keeps them no longer than that says.
        cachePolicy: new cloudfront.CachePolicy(this, 'PagesCache', {
          comment: 'Hookbridge web app pages: as the object says (no-cache)',
          minTtl: Duration.seconds(0),
          defaultTtl: Duration.seconds(0),
          maxTtl: Duration.days(1),
          enableAcceptEncodingGzip: true,
          enableAcceptEncodingBrotli: true,
        }),
        functionAssociations: [
          {
            eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
            function: new cloudfront.Function(this, 'AppPaths', {
              comment: 'Hookbridge web app: every path but /assets/* and /config.json is the app',
              runtime: cloudfront.FunctionRuntime.JS_2_0,
              code: cloudfront.FunctionCode.fromInline(REWRITE_TO_INDEX),
            }),
          },
        ],
      },
      additionalBehaviors: {
        [`${ASSETS_PATH}*`]: { ...common, cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED },
      },
    });
    this.origin = `https://${this.distribution.distributionDomainName}`;
    this.url = `${this.origin}/`;

    // Old hashed assets stay (no pruning): a page loaded before a deployment still finds the
    // scripts it names.
    this.assets = new s3deploy.BucketDeployment(this, 'Assets', {
      destinationBucket: this.bucket,
      destinationKeyPrefix: ASSETS_PATH.slice(1),
      sources: [s3deploy.Source.asset(path.join(this.build.distDir, 'assets'))],
      cacheControl: [s3deploy.CacheControl.fromString(IMMUTABLE)],
      prune: false,
    });
    acknowledgeWebAppFindings(this, this.assets.handlerRole);
  }

  /**
   * Deploys `index.html` and `config.json` (`{ "apiUrl": … }`, the API the app calls), after
   * the assets, so the page never names a script not yet uploaded. The page also carries the
   * exact API origin in a CSP `<meta>`: the header cannot name it (the API's CORS names this
   * distribution, so the distribution cannot depend on the API), and a second policy narrows
   * the first.
   */
  deployPages(api: { readonly url: string; readonly origin: string }): void {
    const { url: apiUrl, origin: apiOrigin } = api;
    const meta = `<meta http-equiv="Content-Security-Policy" content="connect-src 'self' ${apiOrigin}">`;
    const html = this.build.indexHtml.replace('<head>', `<head>\n${meta}`);
    if (html === this.build.indexHtml) throw new Error('index.html has no <head>');
    const pages = new s3deploy.BucketDeployment(this, 'Pages', {
      destinationBucket: this.bucket,
      sources: [
        s3deploy.Source.data('index.html', html),
        s3deploy.Source.jsonData('config.json', { apiUrl }),
      ],
      cacheControl: [s3deploy.CacheControl.fromString(NO_CACHE)],
      prune: false,
    });
    pages.node.addDependency(this.assets);
    acknowledgeWebAppFindings(this, pages.handlerRole);
  }
}

/**
 * The local gateway's policy (local/web-static.ts) with the API's possible origins in
 * `connect-src`: the execute-api hosts of this region (see deployPages for the exact one).
 */
export function deployedCsp(frameAncestors: string): string {
  const local = contentSecurityPolicy(frameAncestors);
  const apis = `https://*.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`;
  const csp = local.replace("connect-src 'self'", `connect-src 'self' ${apis}`);
  if (csp === local) throw new Error('the local CSP has no "connect-src \'self\'"');
  return csp;
}

function checkedFrameAncestors(scope: Construct, sources: readonly string[]): string {
  // One source per item: a space would smuggle a second source past the check of the list.
  const joined = sources.find((source) => /\s/.test(source) || source === '');
  if (joined !== undefined)
    throw new Error(
      `${scope.node.path}: portalFrameAncestors: "${joined}" must be one source, without spaces`,
    );
  try {
    return parseFrameAncestors(sources.join(' '));
  } catch (error) {
    const reason = (error as Error).message.replace(/^HOOKBRIDGE_WEB_FRAME_ANCESTORS: /, '');
    throw new Error(`${scope.node.path}: portalFrameAncestors: ${reason}`);
  }
}
