import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../infra/app.js';
import { directives, flatten, only, type Resource, synth } from '../support/web-app-template.js';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

let template: Template;
let distributionId: string;
let bucketId: string;

beforeAll(() => {
  template = synth();
  [distributionId] = only(template, 'AWS::CloudFront::Distribution');
  [bucketId] = only(template, 'AWS::S3::Bucket');
});

describe('CORS on the token API', () => {
  function tokenApi(from: Template): Resource {
    const found = Object.values(from.findResources('AWS::ApiGatewayV2::Api')) as Resource[];
    const api = found.find((r) => r.Properties.Name === 'hookbridge-token-api');
    if (!api) throw new Error('no token API');
    return api;
  }

  it('admits the web app’s origin only, with its headers and the routes’ methods, no credentials', () => {
    const cors = tokenApi(template).Properties.CorsConfiguration as Record<string, unknown>;
    expect(cors.AllowOrigins).toEqual([
      { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] },
    ]);
    expect(cors.AllowHeaders).toEqual(['Authorization', 'Content-Type', 'Idempotency-Key']);
    expect([...(cors.AllowMethods as string[])].sort()).toEqual(['DELETE', 'GET', 'PATCH', 'POST']);
    expect(cors.AllowCredentials).toBe(false);
  });

  it('routes no OPTIONS or ANY: API Gateway answers preflights itself, never the authorizer', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Resource[];
    const keys = routes.map((route) => String(route.Properties.RouteKey));
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((key) => /^(OPTIONS|ANY) /.test(key) || key === '$default')).toEqual([]);
  });

  it('leaves the IAM API without CORS: browsers cannot sign requests', () => {
    const found = Object.values(template.findResources('AWS::ApiGatewayV2::Api')) as Resource[];
    const iamApi = found.find((r) => r.Properties.Name === 'hookbridge-api');
    expect(iamApi?.Properties.CorsConfiguration).toBeUndefined();
  });

  it('adds the origins of webAppOrigins', () => {
    const cors = tokenApi(synth({ webAppOrigins: ['https://app.example.com:8443'] })).Properties
      .CorsConfiguration as { AllowOrigins: unknown[] };
    expect(cors.AllowOrigins).toHaveLength(2);
    expect(cors.AllowOrigins[1]).toBe('https://app.example.com:8443');
  });

  it.each([
    ['any origin', '*'],
    ['plain http', 'http://app.example.com'],
    ['a trailing slash', 'https://app.example.com/'],
    ['a path', 'https://app.example.com/portal'],
    ['an https prefix wildcard', 'https://*'],
    ['a second origin after a comma', 'https://a.example.com,https://b.example.com'],
  ])('refuses %s in webAppOrigins, naming the setting', (_, origin) => {
    expect(() => synth({ webAppOrigins: [origin] })).toThrow(/webAppOrigins/);
  });

  it('has no CORS, no bucket and no distribution with webApp false', () => {
    const without = synth({ webApp: false });
    expect(tokenApi(without).Properties.CorsConfiguration).toBeUndefined();
    expect(Object.keys(without.findResources('AWS::CloudFront::Distribution'))).toEqual([]);
    expect(Object.keys(without.findResources('AWS::S3::Bucket'))).toEqual([]);
  });

  it('keeps webAppOrigins with webApp false', () => {
    const cors = tokenApi(synth({ webApp: false, webAppOrigins: ['https://app.example.com'] }))
      .Properties.CorsConfiguration as { AllowOrigins: unknown[] };
    expect(cors.AllowOrigins).toEqual(['https://app.example.com']);
  });

  it('has no web app without the token API, and refuses to be asked for one', () => {
    const without = synth({ tokenApi: false });
    expect(Object.keys(without.findResources('AWS::CloudFront::Distribution'))).toEqual([]);
    expect(() => synth({ tokenApi: false, webApp: true })).toThrow(/webApp needs the token API/);
  });
});

describe('the standalone app', () => {
  function appTemplate(context: Record<string, string>) {
    const app = createApp({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
    return app.synth().getStackByName('Hookbridge').template as {
      Resources: Record<string, Resource>;
      Outputs: Record<string, { Value: unknown }>;
    };
  }

  it('outputs WebAppUrl, the base of the portal links', () => {
    const { Outputs } = appTemplate({});
    expect(flatten(Outputs.WebAppUrl?.Value)).toMatch(/^https:\/\/\{Hookbridge.*\.DomainName\}\/$/);
  });

  it('reads webApp, portalFrameAncestors and webAppOrigins from context', () => {
    const { Resources, Outputs } = appTemplate({
      portalFrameAncestors: "'self',https://app.example.com",
      webAppOrigins: 'https://app.example.com',
    });
    const policy = Object.values(Resources).find(
      (r) => r.Type === 'AWS::CloudFront::ResponseHeadersPolicy',
    );
    const config = policy?.Properties.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } };
    };
    expect(
      directives(
        flatten(config.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy),
      ).get('frame-ancestors'),
    ).toBe("'self' https://app.example.com");
    expect(JSON.stringify(Resources)).toContain('"https://app.example.com"');
    const off = appTemplate({ webApp: 'false' });
    expect(off.Outputs.WebAppUrl).toBeUndefined();
    expect(Outputs.WebAppUrl).toBeDefined();
  });
});

describe('the function that deploys the files (CDK’s BucketDeployment)', () => {
  it('is the only holder of wildcard actions, and its grants name two buckets only', () => {
    const policies = Object.entries(template.findResources('AWS::IAM::Policy')) as [
      string,
      Resource,
    ][];
    const [, role] = Object.entries(template.findResources('AWS::IAM::Role')).find(([id]) =>
      id.startsWith('CustomCDKBucketDeployment'),
    ) as [string, Resource];
    expect(role).toBeDefined();
    for (const [id, policy] of policies) {
      const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
      const wildcards = statements.flatMap((s) => [s.Action].flat()).filter((a) => a.includes('*'));
      if (!id.startsWith('CustomCDKBucketDeployment')) {
        expect(wildcards, id).toEqual([]);
        continue;
      }
      const buckets = new Set(
        statements.flatMap((s) => [s.Resource].flat().map((r) => flatten(r).split('/')[0])),
      );
      expect([...buckets].sort()).toEqual(
        [
          `{${bucketId}.Arn}`,
          'arn:{AWS::Partition}:s3:::cdk-hnb659fds-assets-{AWS::AccountId}-{AWS::Region}',
        ].sort(),
      );
      // Copying writes; with prune off it never lists the web app's bucket to delete from it.
      expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    }
  });
});
