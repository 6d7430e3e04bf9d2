import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { Hookbridge } from '../../infra/index.js';
import {
  csp,
  directives,
  flatten,
  only,
  type Resource,
  synth,
} from '../support/web-app-template.js';

let template: Template;
let distributionId: string;
let bucketId: string;

beforeAll(() => {
  template = synth();
  [distributionId] = only(template, 'AWS::CloudFront::Distribution');
  [bucketId] = only(template, 'AWS::S3::Bucket');
});

describe('the web app bucket', () => {
  it('is private, encrypted and not a website', () => {
    const [, bucket] = only(template, 'AWS::S3::Bucket');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption).toBeDefined();
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
  });

  it('refuses plain HTTP and lets only this distribution read it, through OAC', () => {
    const [, policy] = only(template, 'AWS::S3::BucketPolicy');
    const statements = (policy.Properties.PolicyDocument as { Statement: Resource[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    const allows = statements.filter(
      (s) => (s as unknown as { Effect: string }).Effect === 'Allow',
    );
    expect(allows).toHaveLength(1);
    const allow = allows[0] as unknown as Record<string, unknown>;
    expect(allow.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(allow.Action).toBe('s3:GetObject');
    expect(JSON.stringify(allow.Condition)).toContain(`"Ref":"${distributionId}"`);
    expect(JSON.stringify(allow.Condition)).toContain('AWS:SourceArn');
    // No bucket listing: a missing key is a 403, never an index of the bucket.
    expect(JSON.stringify(statements)).not.toContain('s3:ListBucket');
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always' },
    });
  });

  it('is kept with the stack by default, and emptied then deleted when asked', () => {
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    const destroy = synth({ removalPolicy: RemovalPolicy.DESTROY });
    destroy.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    expect(Object.keys(destroy.findResources('Custom::S3AutoDeleteObjects'))).toHaveLength(1);
  });
});

describe('the distribution', () => {
  it('serves over HTTPS only (HTTP redirects), from the bucket through OAC', () => {
    const [, distribution] = only(template, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig as Record<string, unknown>;
    const behaviors = [
      config.DefaultCacheBehavior,
      ...(config.CacheBehaviors as unknown[]),
    ] as Record<string, unknown>[];
    for (const behavior of behaviors) {
      expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
      expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    }
    const [origin] = config.Origins as Record<string, unknown>[];
    expect(config.Origins).toHaveLength(1);
    expect(JSON.stringify(origin?.DomainName)).toContain(bucketId);
    expect(origin?.OriginAccessControlId).toBeDefined();
    expect(config.DefaultRootObject).toBe('index.html');
  });

  it('caches hashed assets with the managed optimized policy and the pages not at all', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: [
          Match.objectLike({
            PathPattern: '/assets/*',
            // CachingOptimized: it honours the objects' year-long Cache-Control.
            CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
          }),
        ],
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({ MinTTL: 0, DefaultTTL: 0 }),
    });
  });

  it('serves every path of the app as index.html, but neither assets nor config.json', () => {
    const [, fn] = only(template, 'AWS::CloudFront::Function');
    const source = fn.Properties.FunctionCode as string;
    // Run the function as CloudFront would, on the paths the app and an attacker may ask for.
    const handler = new Function(`${source}; return handler;`)() as (event: unknown) => {
      uri: string;
    };
    const rewrite = (uri: string) => handler({ request: { uri, headers: {} } }).uri;
    expect(rewrite('/')).toBe('/index.html');
    expect(rewrite('/portal')).toBe('/index.html');
    expect(rewrite('/portal/endpoints/sub_01')).toBe('/index.html');
    expect(rewrite('/tenants/acme')).toBe('/index.html');
    expect(rewrite('/build.json')).toBe('/index.html');
    expect(rewrite('/config.json')).toBe('/config.json');
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })],
        }),
        // No distribution-wide error pages: a missing asset must not become the page.
        CustomErrorResponses: Match.absent(),
      }),
    });
  });
});

describe('the security headers', () => {
  it('sends the local CSP, with the region’s API hosts as the only other connect-src', () => {
    const policy = directives(csp(template));
    expect(policy.get('default-src')).toBe("'none'");
    expect(policy.get('script-src')).toBe("'self'");
    expect(policy.get('style-src')).toBe("'self'");
    expect(policy.get('connect-src')).toBe(
      "'self' https://*.execute-api.{AWS::Region}.{AWS::URLSuffix}",
    );
    expect(policy.get('frame-ancestors')).toBe("'none'");
    expect(policy.get('base-uri')).toBe("'none'");
    expect(policy.get('form-action')).toBe("'self'");
  });

  it('sends HSTS, nosniff, no referrer and same-origin opener, overriding the origin', () => {
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: {
            AccessControlMaxAgeSec: 63072000,
            IncludeSubdomains: true,
            Override: true,
          },
          ContentTypeOptions: { Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
          ContentSecurityPolicy: Match.objectLike({ Override: true }),
        }),
        CustomHeadersConfig: {
          Items: [{ Header: 'Cross-Origin-Opener-Policy', Value: 'same-origin', Override: true }],
        },
      }),
    });
  });

  it('puts the policy on every behaviour', () => {
    const [policyId] = only(template, 'AWS::CloudFront::ResponseHeadersPolicy');
    const [, distribution] = only(template, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig as Record<string, unknown>;
    for (const behavior of [config.DefaultCacheBehavior, ...(config.CacheBehaviors as [])]) {
      expect((behavior as Record<string, unknown>).ResponseHeadersPolicyId).toEqual({
        Ref: policyId,
      });
    }
  });

  it('lets the pages named in portalFrameAncestors frame the portal', () => {
    const framed = synth({ portalFrameAncestors: ["'self'", 'https://app.example.com'] });
    expect(directives(csp(framed)).get('frame-ancestors')).toBe("'self' https://app.example.com");
  });

  it.each([
    ['a directive smuggled after ;', ["https://app.example.com; script-src 'unsafe-inline'"]],
    ['two sources in one item', ['https://a.example.com https://b.example.com']],
    ['a wildcard', ['*']],
    ['a quoted keyword other than self and none', ["'unsafe-inline'"]],
    ["'none' with another source", ["'none'", 'https://app.example.com']],
    ['an empty source', ['']],
    ['a path', ['https://app.example.com/embed']],
  ])('refuses %s in portalFrameAncestors, naming the setting', (_, sources) => {
    expect(() => synth({ portalFrameAncestors: sources })).toThrow(/portalFrameAncestors/);
  });
});

describe('the deployed files', () => {
  function deployments(from: Template) {
    return Object.values(from.findResources('Custom::CDKBucketDeployment')) as Resource[];
  }

  it('uploads the hashed assets under assets/ with a year-long immutable cache, never pruned', () => {
    const assets = deployments(template).find(
      (d) => d.Properties.DestinationBucketKeyPrefix === 'assets/',
    );
    expect(assets?.Properties.SystemMetadata).toEqual({
      'cache-control': 'public, max-age=31536000, immutable',
    });
    expect(assets?.Properties.Prune).toBe(false);
  });

  it('uploads index.html and config.json with no-cache, after the assets, naming the token API', () => {
    const [assetsId] = Object.entries(template.findResources('Custom::CDKBucketDeployment')).find(
      ([, d]) => (d as Resource).Properties.DestinationBucketKeyPrefix === 'assets/',
    ) as [string, unknown];
    const pages = Object.values(template.findResources('Custom::CDKBucketDeployment')).find(
      (d) => (d as Resource).Properties.DestinationBucketKeyPrefix === undefined,
    ) as Resource & { DependsOn?: string[] };
    expect(pages.Properties.SystemMetadata).toEqual({ 'cache-control': 'no-cache' });
    expect(pages.Properties.Prune).toBe(false);
    expect(pages.DependsOn).toContain(assetsId);
    const [tokenApiId] = Object.entries(template.findResources('AWS::ApiGatewayV2::Api')).find(
      ([, api]) => (api as Resource).Properties.Name === 'hookbridge-token-api',
    ) as [string, unknown];
    expect(JSON.stringify(pages.Properties.SourceMarkers)).toContain(`"Ref":"${tokenApiId}"`);
  });

  it('deploys the build’s index.html with connect-src narrowed to the token API’s origin, and config.json naming it', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Embedding');
    new Hookbridge(stack, 'Hookbridge');
    const outdir = app.synth().directory;
    const pages = deployments(Template.fromStack(stack)).find(
      (d) => d.Properties.DestinationBucketKeyPrefix === undefined,
    ) as Resource;
    // The files travel as asset directories of the synthesis; the tokens in them as markers.
    const files = new Map<string, string>();
    for (const dir of readdirSync(outdir).filter((name) => name.startsWith('asset.'))) {
      for (const name of ['index.html', 'config.json']) {
        const file = path.join(outdir, dir, name);
        if (existsSync(file) && readdirSync(path.join(outdir, dir)).length === 1)
          files.set(name, readFileSync(file, 'utf8'));
      }
    }
    const markers = (pages.Properties.SourceMarkers as Record<string, unknown>[])[0] ?? {};
    const resolve = (text: string) =>
      text.replace(/<<marker:0xbaba:\d+>>/g, (marker) => flatten(markers[marker]));
    const built = readFileSync(new URL('../../web/dist/index.html', import.meta.url), 'utf8');
    const page = resolve(files.get('index.html') ?? '');
    const meta = `<meta http-equiv="Content-Security-Policy" content="connect-src 'self' https://{HookbridgeTokenApiC3F4248C}.execute-api.{AWS::Region}.{AWS::URLSuffix}">`;
    expect(page).toBe(built.replace('<head>', `<head>\n${meta}`));
    expect(JSON.parse(resolve(files.get('config.json') ?? '{}'))).toEqual({
      apiUrl: 'https://{HookbridgeTokenApiC3F4248C}.execute-api.{AWS::Region}.{AWS::URLSuffix}/',
    });
  });
});

describe('parity with the local gateway', () => {
  it('sends every security header the local gateway sends, with the same values but connect-src', async () => {
    const { createServer } = await import('node:http');
    const { webStatic } = await import('../../local/web-static.js');
    const serve = webStatic({ frameAncestors: "'none'" });
    const server = createServer((req, res) => {
      void serve(req, res, new URL(req.url ?? '/', 'http://localhost'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const local = await fetch(`http://127.0.0.1:${port}/portal`);
      expect(local.status).toBe(200);
      const [, policy] = only(template, 'AWS::CloudFront::ResponseHeadersPolicy');
      const config = policy.Properties.ResponseHeadersPolicyConfig as {
        SecurityHeadersConfig: Record<string, Record<string, unknown>>;
        CustomHeadersConfig: { Items: { Header: string; Value: string }[] };
      };
      const security = config.SecurityHeadersConfig;
      const deployed = new Map<string, string>([
        ['content-security-policy', csp(template)],
        ['referrer-policy', String(security.ReferrerPolicy?.ReferrerPolicy)],
        ['x-content-type-options', security.ContentTypeOptions ? 'nosniff' : ''],
        ...config.CustomHeadersConfig.Items.map(
          (item) => [item.Header.toLowerCase(), item.Value] as [string, string],
        ),
      ]);
      const localSecurity = [
        'content-security-policy',
        'referrer-policy',
        'x-content-type-options',
        'cross-origin-opener-policy',
        'x-frame-options',
        'permissions-policy',
        'cross-origin-resource-policy',
        'cross-origin-embedder-policy',
      ].filter((name) => local.headers.has(name));
      for (const name of localSecurity) {
        if (name === 'content-security-policy') continue;
        expect(deployed.get(name), name).toBe(local.headers.get(name));
      }
      const localCsp = directives(local.headers.get('content-security-policy') ?? '');
      const deployedCsp = directives(csp(template));
      expect([...deployedCsp.keys()].sort()).toEqual([...localCsp.keys()].sort());
      for (const [name, sources] of localCsp) {
        if (name === 'connect-src') expect(deployedCsp.get(name)?.startsWith(sources)).toBe(true);
        else expect(deployedCsp.get(name), name).toBe(sources);
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the build it deploys', () => {
  it('fails synthesis with what to run when a given build is missing', async () => {
    const { WebApp } = await import('../../infra/constructs/web-app.js');
    const stack = new Stack(new App(), 'Embedding');
    expect(() => new WebApp(stack, 'WebApp', { distDir: '/nonexistent/web/dist' })).toThrow(
      /no web app build in \/nonexistent\/web\/dist .*npm run build:web/,
    );
  });
});
