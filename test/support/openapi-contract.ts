import { appendFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../src/http/openapi.js';

// The OpenAPI document as a contract: every JSON response the API tests receive (through ApiClient) is validated,
// with ajv (JSON Schema 2020-12, as OpenAPI 3.1 has it), against the schema the document declares for that operation
// and status. A response the document does not describe, or describes otherwise, fails the test that received it.

type Json = Record<string, unknown>;
const document = openApiDocument as unknown as { paths: Record<string, Record<string, Json>>; components: Json };

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
(addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
ajv.addSchema({ $id: 'matterline:openapi', components: document.components }, 'matterline:openapi');

const templates = Object.keys(document.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\\{\w+\\\}|\{\w+\}/g, '[^/]+')}$`),
  literal: template.replace(/\{\w+\}/g, '').length,
}));

/** The documented path a concrete one matches (the most literal wins: /exports/{id}.csv over /exports/{id}). */
export function templateOf(path: string): string | undefined {
  const bare = path.split('?')[0]!;
  return templates.filter((t) => t.pattern.test(bare)).sort((a, b) => b.literal - a.literal)[0]?.template;
}

const compiled = new Map<string, ValidateFunction>();

function rewriteRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rewriteRefs);
  if (schema && typeof schema === 'object') {
    return Object.fromEntries(
      Object.entries(schema as Json).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `matterline:openapi${value}` : rewriteRefs(value)]),
    );
  }
  return schema;
}

function resolve(node: Json): Json {
  let current = node;
  while (typeof current.$ref === 'string') {
    const parts = (current.$ref as string).replace(/^#\//, '').split('/');
    let target: unknown = document;
    for (const part of parts) target = (target as Json)[part];
    current = target as Json;
  }
  return current;
}

export interface ContractProblem {
  operation: string;
  status: number;
  problem: string;
}

/** Why a JSON response breaks the document, or null when it is as described. */
export function contractProblem(method: string, path: string, status: number, body: unknown): ContractProblem | null {
  const template = templateOf(path);
  const operation = `${method.toUpperCase()} ${template ?? path}`;
  if (!template) return { operation, status, problem: 'no documented path matches' };
  const item = document.paths[template]!;
  const spec = item[method.toLowerCase()] as Json | undefined;
  if (!spec) return { operation, status, problem: 'the method is not documented for this path' };
  const responses = spec.responses as Record<string, Json>;
  const declared = responses[String(status)] ?? responses.default;
  if (!declared) return { operation, status, problem: `status ${status} is not declared (declared: ${Object.keys(responses).join(', ')})` };
  const content = resolve(declared).content as Record<string, { schema?: Json }> | undefined;
  const schema = content?.['application/json']?.schema;
  if (!schema) return body === undefined ? null : { operation, status, problem: 'a JSON body where the document declares none' };
  const key = `${operation} ${status}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(rewriteRefs(schema) as Json);
    compiled.set(key, validate);
  }
  if (validate(body)) return null;
  const errors = (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  return { operation, status, problem: errors.join('; ') };
}

/** Called by ApiClient for every response: throws (failing the test) unless CONTRACT_REPORT names a file to collect in. */
export function checkContract(method: string, path: string, status: number, body: unknown): void {
  if (!path.startsWith('/api/') || path.startsWith('/api/simulator/')) return;
  const problem = contractProblem(method, path, status, body);
  if (!problem) return;
  const report = process.env.CONTRACT_REPORT;
  if (report) {
    appendFileSync(report, `${JSON.stringify(problem)}\n`);
    return;
  }
  throw new Error(`the response breaks the OpenAPI document: ${problem.operation} -> ${problem.status}: ${problem.problem}`);
}
