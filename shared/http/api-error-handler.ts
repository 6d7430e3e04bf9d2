import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj, Request } from '@middy/core';
import { ApiError } from '../errors.js';
import { errorResponse, type HttpRequest, type HttpResponse, jsonResponse } from './api-gateway.js';

export interface ApiErrorHandlerOptions {
  readonly logger: Logger;
}

/**
 * Maps errors to JSON answers: an ApiError to its status, code and message; anything else is
 * logged with the request's route and answered with a generic 500 that leaks nothing. Put it
 * last in the middy chain so it sees every other middleware's errors.
 */
export function apiErrorHandler(
  options: ApiErrorHandlerOptions,
): MiddlewareObj<HttpRequest, HttpResponse> {
  const { logger } = options;
  const apiErrorHandlerOnError = async (request: Request<HttpRequest, HttpResponse>) => {
    const { error, event } = request;
    if (error instanceof ApiError) {
      request.response = errorResponse(error);
      return;
    }
    logger.error('internal error', { error, routeKey: event.routeKey, path: event.rawPath });
    request.response = jsonResponse(500, {
      error: { code: 'internal_error', message: 'internal error' },
    });
  };
  return { onError: apiErrorHandlerOnError };
}
