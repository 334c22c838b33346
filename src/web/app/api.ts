// The JSON API as the pages use it: same-origin cookies, the session's CSRF token on every state-changing request,
// and errors as ApiError carrying the API's {error, message, details?} body. One client for every page.

let csrfToken = '';

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export interface ErrorBody {
  error?: string;
  message?: string;
  details?: Record<string, unknown>;
}

export class ApiError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message ?? `request failed (${status})`);
    this.code = body.error ?? 'unknown';
    this.details = body.details ?? {};
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const form = body instanceof FormData;
  if (body !== undefined && !form) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: form ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = { error: 'bad_response', message: `the server answered ${response.status} without JSON` };
  }
  // The session ended (expired, revoked, signed out elsewhere): the app goes back to the sign-in page.
  if (response.status === 401 && !path.startsWith('/api/auth/')) window.dispatchEvent(new Event('matterline:unauthenticated'));
  if (!response.ok) throw new ApiError(response.status, (parsed ?? {}) as ErrorBody);
  return parsed as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
/** A multipart/form-data POST (files with a send): the browser writes the boundary. */
export const postForm = <T>(path: string, form: FormData) => api<T>('POST', path, form);

/** A message for a person from any error. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const problems = error.details.problems as { path: string; message: string }[] | undefined;
    if (Array.isArray(problems) && problems.length > 0 && !error.message.includes(problems[0]?.message ?? '')) {
      return `${error.message}: ${problems.map((p) => `${p.path.replace(/^(body|query)\./, '')}: ${p.message}`).join('; ')}`;
    }
    return error.message;
  }
  if (error instanceof TypeError) return 'The server cannot be reached. Check the connection and try again.';
  return error instanceof Error ? error.message : String(error);
}

export const enc = encodeURIComponent;
