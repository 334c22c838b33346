// The JSON API as the pages use it: same-origin cookies, the session's CSRF token on every state-changing request,
// and errors as ApiError carrying the API's {error, message, details?} body.

let csrfToken = '';

/** @param {string} token */
export function setCsrfToken(token) {
  csrfToken = token;
}

export class ApiError extends Error {
  /** @param {number} status @param {{error?: string, message?: string, details?: Record<string, unknown>, state?: string}} body */
  constructor(status, body) {
    super(body.message ?? `request failed (${status})`);
    this.status = status;
    this.code = body.error ?? 'unknown';
    this.details = body.details ?? {};
    this.body = body;
  }
}

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
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
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = { error: 'bad_response', message: `the server answered ${response.status} without JSON` };
  }
  // The session ended (expired, revoked, signed out elsewhere): the app goes back to the sign-in page.
  if (response.status === 401 && !path.startsWith('/api/auth/')) window.dispatchEvent(new Event('matterline:unauthenticated'));
  if (!response.ok) throw new ApiError(response.status, parsed ?? {});
  return parsed;
}

/**
 * A multipart/form-data POST (files with a send): the browser writes the boundary.
 * @param {string} path
 * @param {FormData} form
 * @returns {Promise<any>}
 */
export const postForm = (path, form) => api('POST', path, form);

export const get = (/** @type {string} */ path) => api('GET', path);
export const post = (/** @type {string} */ path, /** @type {unknown} */ body = {}) => api('POST', path, body);
export const put = (/** @type {string} */ path, /** @type {unknown} */ body) => api('PUT', path, body);
export const patch = (/** @type {string} */ path, /** @type {unknown} */ body) => api('PATCH', path, body);

/** A message for a person from any error. @param {unknown} error */
export function describeError(error) {
  if (error instanceof ApiError) {
    const problems = /** @type {{path: string, message: string}[] | undefined} */ (error.details.problems);
    if (Array.isArray(problems) && problems.length > 0 && !error.message.includes(problems[0]?.message ?? '')) {
      return `${error.message}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`;
    }
    return error.message;
  }
  if (error instanceof TypeError) return 'The server cannot be reached. Check the connection and try again.';
  return error instanceof Error ? error.message : String(error);
}
