import { z } from 'zod';
import { idParamsSchema } from '../api/api-schemas.js';
import { csrfExempt } from '../auth/session-middleware.js';

// The building blocks of the published document (src/http/openapi.ts). Parameters and request bodies are generated
// from the zod schemas the routes validate with; the statuses every route shares (no session, CSRF, body parsing)
// are added here from the same rules the middleware applies, so each paths file only lists what is its own.

export type JsonSchema = Record<string, unknown>;
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** JSON Schema 2020-12 of a zod schema, as OpenAPI 3.1 takes it inline (no $schema). */
export const schemaOf = (schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
export const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
export const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
export const day: JsonSchema = { type: 'string', format: 'date' };
export const str: JsonSchema = { type: 'string' };
export const int: JsonSchema = { type: 'integer' };
export const num: JsonSchema = { type: 'number' };
export const bool: JsonSchema = { type: 'boolean' };
export const arrayOf = (items: JsonSchema): JsonSchema => ({ type: 'array', items });
/** An object whose listed properties are all present (the API's views always carry every field). */
export const obj = (properties: Record<string, JsonSchema>): JsonSchema => ({ type: 'object', required: Object.keys(properties), properties });
export const page = (item: JsonSchema): JsonSchema => obj({ items: arrayOf(item), nextCursor: nullable(str) });
export const list = (item: JsonSchema): JsonSchema => obj({ items: arrayOf(item) });

export interface ResponseObject {
  description: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
  content?: Record<string, { schema: JsonSchema }>;
}

/** A JSON answer (or none, without a schema). */
export const ok = (description: string, schema?: JsonSchema): ResponseObject => ({
  description,
  ...(schema ? { content: { 'application/json': { schema } } } : {}),
});

const attachmentHeader = { 'content-disposition': { description: 'attachment; filename="…"', schema: str } };

/** A file or stream: its media type, a string body, and any headers it carries. */
export const file = (description: string, mediaType: string, headers: ResponseObject['headers'] = {}): ResponseObject => ({
  description,
  headers: { ...attachmentHeader, ...headers },
  content: { [mediaType]: { schema: { type: 'string', ...(mediaType.startsWith('text/') ? {} : { contentMediaType: mediaType }) } } },
});

export interface RequestBodySpec {
  schema: JsonSchema;
  /** False when the route accepts no body at all (the zod schema accepts {}). */
  required: boolean;
  /** The same request as multipart/form-data, with files (a route in http/api/conversation-routes.ts multipartRoutes). */
  multipart?: JsonSchema;
}

export interface OperationSpec {
  summary: string;
  description?: string;
  /** A signed-in session (ml_session cookie), the default; or anyone. */
  auth?: 'session' | 'none';
  /** The path parameters' schema; {id} alone defaults to idParamsSchema, which every /:id route parses. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType | RequestBodySpec;
  responses: Record<number, ResponseObject>;
  /** The route's own 4xx; 400/401/403/413/415 from the session, CSRF and input parsing are added here. */
  errors?: number[];
}

export type PathSpecs = Record<string, Partial<Record<Method, OperationSpec>>>;
export type PathItems = Record<string, Record<string, unknown>>;

const stateChanging = new Set<Method>(['post', 'put', 'patch', 'delete']);

const parametersOf = (where: 'path' | 'query', schema: z.ZodObject) =>
  Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
    schema: schemaOf(field as z.ZodType),
  }));

export const csrfHeader = {
  name: 'x-csrf-token',
  in: 'header',
  required: true,
  description: 'The session\'s CSRF token (GET /api/auth/session, or the sign-in answer).',
  schema: str,
};

const bodyOf = (body: z.ZodType | RequestBodySpec) => {
  const spec = body instanceof z.ZodType ? { schema: schemaOf(body), required: !body.safeParse({}).success } : body;
  return {
    required: spec.required,
    content: {
      'application/json': { schema: spec.schema },
      ...('multipart' in spec && spec.multipart ? { 'multipart/form-data': { schema: spec.multipart, encoding: { files: { contentType: '*/*' } } } } : {}),
    },
  };
};

/** getTimeEntriesById from GET /api/time/entries/{id}; report.csv becomes ReportCsv. */
const operationId = (method: Method, path: string) =>
  method +
  path
    .replace(/^\/api\//, '')
    .split(/[/.-]/)
    .filter(Boolean)
    .map((part) => (part.startsWith('{') ? `By${part.slice(1, 2).toUpperCase()}${part.slice(2, -1)}` : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');

function operation(tag: string, method: Method, path: string, spec: OperationSpec) {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const params = spec.params ?? (names.length === 1 && names[0] === 'id' ? idParamsSchema : undefined);
  if (names.length > 0 && !params) throw new Error(`openapi: ${method} ${path} needs the schema of its path parameters`);
  const csrf = stateChanging.has(method) && !csrfExempt(path);
  const auto = [
    ...(spec.auth === 'none' ? [] : [401]),
    ...(csrf ? [401, 403] : []),
    // Every POST/PUT/PATCH/DELETE body goes through the strict JSON parser (http/json-body.ts), used or not.
    ...(stateChanging.has(method) ? [400, 413, 415] : []),
    ...(spec.body || spec.query || params ? [400] : []),
  ];
  const statuses = [...new Set([...auto, ...(spec.errors ?? [])])].sort();
  const responses: Record<string, unknown> = { ...spec.responses };
  for (const status of statuses) responses[status] = { $ref: `#/components/responses/Error${status}` };
  const parameters = [...(params ? parametersOf('path', params) : []), ...(spec.query ? parametersOf('query', spec.query) : []), ...(csrf ? [csrfHeader] : [])];
  return {
    operationId: operationId(method, path),
    tags: [tag],
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    security: spec.auth === 'none' ? [] : [{ session: [] }],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.body ? { requestBody: bodyOf(spec.body) } : {}),
    responses,
  };
}

/** The OpenAPI path items of one group of routes, all under one tag. */
export function buildPaths(tag: string, specs: PathSpecs): PathItems {
  return Object.fromEntries(
    Object.entries(specs).map(([path, methods]) => [
      path,
      Object.fromEntries(Object.entries(methods).map(([method, spec]) => [method, operation(tag, method as Method, path, spec)])),
    ]),
  );
}
