import { describe, expect, it } from 'vitest';
import { awsClientConfig, dynamoClientConfig } from '../../../shared/aws/client-config.js';

describe('awsClientConfig', () => {
  it('takes region, endpoint and attempts from the environment, and nothing when unset', () => {
    expect(awsClientConfig({})).toEqual({});
    expect(
      awsClientConfig({
        AWS_REGION: 'eu-west-1',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
        AWS_MAX_ATTEMPTS: '1',
      }),
    ).toEqual({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:5000', maxAttempts: 1 });
  });
});

describe('dynamoClientConfig', () => {
  it('sends DynamoDB to its own endpoint when AWS_ENDPOINT_URL_DYNAMODB names one', () => {
    const config = awsClientConfig({
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:5001',
    });
    expect(dynamoClientConfig(config)).toEqual({ endpoint: 'http://127.0.0.1:5001' });
    // The other clients keep the shared endpoint.
    expect(config.endpoint).toBe('http://127.0.0.1:5000');
  });

  it('is the shared settings otherwise, on AWS as locally', () => {
    expect(dynamoClientConfig(awsClientConfig({ AWS_REGION: 'us-east-1' }))).toEqual({
      region: 'us-east-1',
    });
    expect(
      dynamoClientConfig(awsClientConfig({ AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' })),
    ).toEqual({ endpoint: 'http://127.0.0.1:5000' });
  });
});
