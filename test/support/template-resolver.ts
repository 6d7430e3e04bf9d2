/**
 * Turns a synthesized template's intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split)
 * into the concrete values a deployment would give them, so IAM policies can be simulated
 * against real-looking ARNs. Account 123456789012, region us-east-1; a resource without an
 * explicit name is named after its logical id (as CloudFormation does, less the suffix).
 * Anything it cannot resolve throws: a policy the simulator saw half-resolved proves nothing.
 */

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'Hookbridge',
};

/** Each type's name property and the form of its ARN (and of its Ref, where that is not the name). */
const TYPES: Record<string, { name?: string; arn: (name: string) => string; ref?: 'arn' | 'url' }> =
  {
    'AWS::DynamoDB::Table': { name: 'TableName', arn: (n) => arn('dynamodb', `table/${n}`) },
    'AWS::Events::EventBus': { name: 'Name', arn: (n) => arn('events', `event-bus/${n}`) },
    'AWS::Events::Rule': { name: 'Name', arn: (n) => arn('events', `rule/${n}`) },
    'AWS::Events::Archive': { name: 'ArchiveName', arn: (n) => arn('events', `archive/${n}`) },
    'AWS::Lambda::Function': { name: 'FunctionName', arn: (n) => arn('lambda', `function:${n}`) },
    // A log group's Arn attribute ends in `:*` (it covers the group's streams).
    'AWS::Logs::LogGroup': { name: 'LogGroupName', arn: (n) => arn('logs', `log-group:${n}:*`) },
    'AWS::IAM::Role': { name: 'RoleName', arn: (n) => `arn:aws:iam::${ACCOUNT}:role/${n}` },
    'AWS::SQS::Queue': {
      name: 'QueueName',
      arn: (n) => arn('sqs', n),
      ref: 'url',
    },
    'AWS::SNS::Topic': { name: 'TopicName', arn: (n) => arn('sns', n), ref: 'arn' },
    // An HTTP API's Ref is its id (here: its logical id), which execute-api ARNs start with.
    'AWS::ApiGatewayV2::Api': { arn: (n) => `arn:aws:apigateway:${REGION}::/apis/${n}` },
    // Likewise an authorizer's Ref is its id (execute-api ARNs end in `authorizers/<id>`).
    'AWS::ApiGatewayV2::Authorizer': {
      arn: (n) => `arn:aws:apigateway:${REGION}::/authorizers/${n}`,
    },
  };

/** `arn:aws:<service>:us-east-1:123456789012:<resource>`. */
export function arn(service: string, resource: string): string {
  return `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
}

/** Resolves the intrinsics of `value` against `resources` (a template's Resources section). */
export function resolve(value: unknown, resources: Resources): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(item, resources));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [first] = entries;
  if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
    return resolveIntrinsic(first[0], first[1], resources);
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, resolve(item, resources)]));
}

function resolveIntrinsic(name: string, argument: unknown, resources: Resources): unknown {
  switch (name) {
    case 'Ref': {
      const id = argument as string;
      if (id in PSEUDO) return PSEUDO[id];
      const { type, name: resourceName } = named(id, resources);
      if (type.ref === 'arn') return type.arn(resourceName);
      if (type.ref === 'url')
        return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${resourceName}`;
      return resourceName;
    }
    case 'Fn::GetAtt': {
      const [id, attribute] = argument as [string, string];
      if (attribute !== 'Arn') throw new Error(`cannot resolve Fn::GetAtt ${id}.${attribute}`);
      const { type, name: resourceName } = named(id, resources);
      return type.arn(resourceName);
    }
    case 'Fn::Join': {
      const [separator, parts] = argument as [string, unknown[]];
      return parts.map((part) => stringOf(resolve(part, resources))).join(separator);
    }
    case 'Fn::Select': {
      const [index, list] = argument as [number, unknown];
      return (resolve(list, resources) as unknown[])[Number(index)];
    }
    case 'Fn::Split': {
      const [separator, text] = argument as [string, unknown];
      return stringOf(resolve(text, resources)).split(separator);
    }
    default:
      throw new Error(`cannot resolve ${name}`);
  }
}

function named(id: string, resources: Resources) {
  const resource = resources[id];
  if (!resource) throw new Error(`no resource ${id} in the template`);
  const type = TYPES[resource.Type];
  if (!type) throw new Error(`cannot resolve a reference to ${resource.Type} ${id}`);
  const explicit = type.name === undefined ? undefined : resource.Properties?.[type.name];
  const name = explicit === undefined ? id : resolve(explicit, resources);
  return { type, name: stringOf(name) };
}

function stringOf(value: unknown): string {
  if (typeof value !== 'string') throw new Error(`expected a string, got ${JSON.stringify(value)}`);
  return value;
}
