import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import {
  type CredentialCheckOptions,
  checkCredential,
} from '../../shared/access/credential-check.js';
import type { AuthorizerContext } from '../../shared/access/principal.js';
import type { Log } from '../../shared/observability.js';

/** API Gateway HTTP API's simple response (payload 2.0, `enableSimpleResponses`). */
export type AuthorizerResult =
  | { readonly isAuthorized: true; readonly context: AuthorizerContext }
  | { readonly isAuthorized: false };

export type AuthorizerHandler = (
  event: Pick<APIGatewayRequestAuthorizerEventV2, 'headers'>,
) => Promise<AuthorizerResult>;

/** The part of Powertools' Metrics the authorizer uses. */
export interface AuthorizerMetrics {
  addMetric(name: string, unit: typeof MetricUnit.Count, value: number): void;
  publishStoredMetrics(): unknown;
}

/**
 * The Lambda authorizer of the token/key API: the `Authorization` header (the route's
 * identity source) checked by checkCredential, answered as a simple response. The reason of a
 * refusal is logged, never answered: the caller learns only that it was refused.
 */
export function createAuthorizerHandler(
  options: CredentialCheckOptions & { readonly logger: Log; readonly metrics?: AuthorizerMetrics },
): AuthorizerHandler {
  return async function authorizerHandler(event) {
    try {
      const result = await checkCredential(event.headers?.authorization, options);
      options.metrics?.addMetric(
        result.accepted ? 'CredentialsAccepted' : 'CredentialsRefused',
        MetricUnit.Count,
        1,
      );
      if (result.accepted) return { isAuthorized: true, context: result.context };
      options.logger.info('credential refused', { reason: result.reason });
      return { isAuthorized: false };
    } finally {
      options.metrics?.publishStoredMetrics();
    }
  };
}
