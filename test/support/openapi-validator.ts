import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** The parts of an OpenAPI document the validator reads. */
export interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components: Record<string, Record<string, unknown>>;
  readonly [key: string]: unknown;
}

export interface OpenApiOperation {
  readonly responses: Record<string, OpenApiResponse | { $ref: string }>;
  readonly [key: string]: unknown;
}

export interface OpenApiResponse {
  readonly description: string;
  readonly content?: Record<string, { schema: unknown }>;
}

/** The committed document: what ships, and what the handlers are held to. */
export const openApiDocument = JSON.parse(
  readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'),
) as OpenApiDocument;

// Any absolute URI will do: it only gives the document's `#/components/...` refs a base.
const BASE = 'https://hookbridge.invalid/openapi.json';

/**
 * Validates response bodies against an OpenAPI document with ajv (2020-12 dialect, as
 * OpenAPI 3.1 uses). The whole document is registered once, so `$ref`s between component
 * schemas resolve, and each response schema is compiled by its JSON pointer on first use.
 */
export function openApiValidator(document: OpenApiDocument = openApiDocument) {
  // strict: false because the document holds OpenAPI keywords ajv does not know (paths, info…).
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: BASE }, undefined, undefined, false);
  const compiled = new Map<string, ValidateFunction>();

  /**
   * Problems with answering `status` and `body` to `method pathTemplate` (e.g. `POST`,
   * `/v1/subscriptions/{id}`), each a readable line; none means the answer conforms. A status
   * the operation does not document is a problem; an operation the document lacks throws.
   */
  function validateResponse(
    method: string,
    pathTemplate: string,
    status: number,
    body: unknown,
  ): string[] {
    const route = `${method.toUpperCase()} ${pathTemplate} → ${status}`;
    const operation = document.paths[pathTemplate]?.[method.toLowerCase()];
    if (!operation) throw new Error(`openapi.json has no operation ${method} ${pathTemplate}`);
    const documented = operation.responses[String(status)];
    if (!documented) {
      const known = Object.keys(operation.responses).join(', ');
      return [`${route}: status ${status} is not documented (documented: ${known})`];
    }
    const [pointer, response] = resolveResponse(
      `/paths/${pointerEscape(pathTemplate)}/${method.toLowerCase()}/responses/${status}`,
      documented,
    );
    if (!response.content?.['application/json']) {
      return body === undefined ? [] : [`${route}: documented without a body, but one came`];
    }
    if (body === undefined) return [`${route}: a JSON body is documented, none came`];
    return validateAt(`${pointer}/content/application~1json/schema`, body).map(
      (problem) => `${route}: ${problem}`,
    );
  }

  /**
   * Problems with `value` against the schema at `pointer` in the document (e.g.
   * `/components/schemas/Event`); none means it is valid.
   */
  function validateAt(pointer: string, value: unknown): string[] {
    let validate = compiled.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `${BASE}#${pointer}` });
      compiled.set(pointer, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map(describeError);
  }

  /** Like validateResponse, but throws one error listing every problem, with the body. */
  function assertResponse(method: string, pathTemplate: string, status: number, body: unknown) {
    const problems = validateResponse(method, pathTemplate, status, body);
    if (problems.length > 0) {
      throw new Error(
        `the response does not conform to openapi.json:\n  ${problems.join('\n  ')}\nbody: ${JSON.stringify(body)}`,
      );
    }
  }

  /** Follows a `$ref` to components/responses; returns where the response object lives. */
  function resolveResponse(
    pointer: string,
    response: OpenApiResponse | { $ref: string },
  ): [string, OpenApiResponse] {
    if (!('$ref' in response)) return [pointer, response];
    const target = response.$ref.replace(/^#/, '');
    const resolved = target
      .split('/')
      .slice(1)
      .reduce<unknown>(
        (node, part) => (node as Record<string, unknown> | undefined)?.[pointerUnescape(part)],
        document,
      );
    if (!resolved) throw new Error(`openapi.json: ${response.$ref} does not resolve`);
    return [target, resolved as OpenApiResponse];
  }

  return { validateResponse, assertResponse, validateAt };
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath || '(body)';
  const extra =
    error.keyword === 'additionalProperties'
      ? ` ("${(error.params as { additionalProperty: string }).additionalProperty}")`
      : '';
  return `${where} ${error.message ?? error.keyword}${extra}`;
}

/** JSON pointer escaping (RFC 6901). */
function pointerEscape(part: string): string {
  return part.replaceAll('~', '~0').replaceAll('/', '~1');
}

function pointerUnescape(part: string): string {
  return part.replaceAll('~1', '/').replaceAll('~0', '~');
}

const shared = openApiValidator();

/** Problems with an answer, against the committed openapi.json (see openApiValidator). */
export const validateResponse = shared.validateResponse;
/** Throws a readable error unless the answer conforms to the committed openapi.json. */
export const assertResponse = shared.assertResponse;
