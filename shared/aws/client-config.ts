/** Settings every AWS SDK v3 client of Hookbridge is built with. */
export interface AwsClientConfig {
  region?: string;
  endpoint?: string;
  maxAttempts?: number;
  /** `adaptive` for control-plane clients (see CONTROL_PLANE_RETRIES). */
  retryMode?: 'standard' | 'adaptive';
  /**
   * Where DynamoDB is, when not at `endpoint` (`AWS_ENDPOINT_URL_DYNAMODB`, the SDK's own name
   * for it): the local runtime runs DynamoDB in a moto of its own. Read by `dynamoClientConfig`.
   */
  dynamodbEndpoint?: string;
}

/**
 * The client settings for the current environment. When a local endpoint is configured
 * (`AWS_ENDPOINT_URL`), it is set explicitly on every client: the SQS client otherwise sends
 * to the host inside a QueueUrl, which for a URL minted by CloudFormation is real AWS.
 * `AWS_ENDPOINT_URL_DYNAMODB` names another endpoint for DynamoDB alone (see
 * `dynamoClientConfig`). `AWS_MAX_ATTEMPTS` is honoured (tests use 1: moto answers unmodelled
 * calls with HTML 500s that the SDK would otherwise retry, duplicating sends).
 */
export function awsClientConfig(env: NodeJS.ProcessEnv = process.env): AwsClientConfig {
  const config: AwsClientConfig = {};
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region) config.region = region;
  if (env.AWS_ENDPOINT_URL) config.endpoint = env.AWS_ENDPOINT_URL;
  if (env.AWS_ENDPOINT_URL_DYNAMODB) config.dynamodbEndpoint = env.AWS_ENDPOINT_URL_DYNAMODB;
  const attempts = Number(env.AWS_MAX_ATTEMPTS);
  if (Number.isInteger(attempts) && attempts > 0) config.maxAttempts = attempts;
  return config;
}

/**
 * The settings for a DynamoDB client: `config` with DynamoDB's own endpoint when it has one.
 * Every DynamoDB client is built from this, the other clients from `config` itself.
 */
export function dynamoClientConfig(config: AwsClientConfig): AwsClientConfig {
  const { dynamodbEndpoint, ...rest } = config;
  return dynamodbEndpoint ? { ...rest, endpoint: dynamodbEndpoint } : rest;
}
