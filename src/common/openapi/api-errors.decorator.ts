import type { OpenAPIObject } from '@nestjs/swagger';
import { ERROR_STATUS, ErrorCode } from '../errors/error-codes';

/** Error codes declared per controller (`Class`) and per route (`Class_method`, the operationId). */
const declared = new Map<string, Set<ErrorCode>>();

/**
 * Declares the error codes a route (or every route of a controller) can answer. They are written
 * into the OpenAPI document by `documentErrors`, next to the success response the swagger plugin
 * derives from the return type (an @ApiResponse here would suppress that one).
 */
export function ApiErrors(...codes: ErrorCode[]) {
  return (target: object, key?: string | symbol): void => {
    const className = typeof target === 'function' ? target.name : target.constructor.name;
    const id = key === undefined ? className : `${className}_${String(key)}`;
    declared.set(id, new Set([...(declared.get(id) ?? []), ...codes]));
  };
}

/** Codes every route behind a guard can answer, derived from the guards themselves. */
function guardCodes(path: string, operation: { security?: object[] }): ErrorCode[] {
  const authenticated = operation.security?.some((requirement) => 'bearer' in requirement);
  return [
    ...(authenticated
      ? (['UNAUTHENTICATED', 'USER_NOT_PROVISIONED', 'RATE_LIMITED'] as const)
      : []),
    ...(path.includes('{orgId}') ? (['ORGANIZATION_NOT_FOUND'] as const) : []),
  ];
}

/** Adds one response per error status to every operation, listing its codes. */
export function documentErrors(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const operation of Object.values(item) as {
      operationId?: string;
      security?: object[];
      responses: Record<string, unknown>;
    }[]) {
      const operationId = operation.operationId ?? '';
      const codes = new Set<ErrorCode>([
        ...guardCodes(path, operation),
        ...(declared.get(operationId.split('_')[0]) ?? []),
        ...(declared.get(operationId) ?? []),
      ]);
      const byStatus = new Map<number, ErrorCode[]>();
      for (const code of codes) {
        byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
      }
      for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
        operation.responses[String(status)] = {
          description: list.join(', '),
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } },
          },
        };
      }
    }
  }
  return document;
}
