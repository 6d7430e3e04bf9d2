import { beforeAll, inject } from 'vitest';
import { localResourceNames } from '../../infra/base-resources.js';

// Set before the test file imports any handler: configuration is read once, at module load.
process.env.AWS_ENDPOINT_URL = inject('awsEndpoint');
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
process.env.AWS_MAX_ATTEMPTS = '1';
process.env.HOOKBRIDGE_EVENT_BUS_NAME = localResourceNames.eventBus;
process.env.HOOKBRIDGE_IDEMPOTENCY_TABLE = localResourceNames.idempotencyTable;
process.env.HOOKBRIDGE_SUBSCRIPTIONS_TABLE = localResourceNames.subscriptionsTable;
process.env.HOOKBRIDGE_DELIVERIES_TABLE = localResourceNames.deliveriesTable;
process.env.HOOKBRIDGE_ACCESS_TABLE = localResourceNames.accessTable;
process.env.HOOKBRIDGE_EVENT_STORE_TABLE = localResourceNames.eventStoreTable;

// Each file starts from an empty endpoint.
beforeAll(async () => {
  const response = await fetch(`${inject('awsEndpoint')}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`could not reset the local AWS endpoint: ${response.status}`);
});
