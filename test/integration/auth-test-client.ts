import { checkContract } from '../support/openapi-contract.js';
import { demoPassword } from '../support/matterline.js';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A browser as the API sees it: keeps the ml_session cookie and sends the CSRF token on state-changing requests. */
export class ApiClient {
  cookie: string | undefined;
  csrfToken: string | undefined;

  constructor(readonly baseUrl: string) {}

  async request<T = unknown>(
    method: string,
    path: string,
    options: { body?: unknown; form?: FormData; csrf?: boolean | string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookie) headers.cookie = this.cookie;
    const csrf = options.csrf ?? true;
    if (typeof csrf === 'string') headers['x-csrf-token'] = csrf;
    else if (csrf && this.csrfToken && method !== 'GET') headers['x-csrf-token'] = this.csrfToken;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : options.form ? { body: options.form } : {}),
    });
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair] = setCookie.split(';');
      if (!pair?.startsWith('ml_session=')) continue;
      this.cookie = /^ml_session=;|Expires=Thu, 01 Jan 1970/i.test(setCookie) ? undefined : pair;
    }
    const text = await response.text();
    const json = /^application\/([a-z.+-]*\+)?json\b/.test(response.headers.get('content-type') ?? '');
    const body = (text && json ? JSON.parse(text) : text || undefined) as T;
    if (json || !text) checkContract(method, path, response.status, body);
    return { status: response.status, body, headers: response.headers };
  }

  get = <T = unknown>(path: string) => this.request<T>('GET', path);
  post = <T = unknown>(path: string, body?: unknown, options: { csrf?: boolean | string } = {}) =>
    this.request<T>('POST', path, { body, ...options });

  /** A multipart/form-data POST (fetch writes the boundary), as a browser's form with files sends it. */
  postForm = <T = unknown>(path: string, form: FormData) => this.request<T>('POST', path, { form });

  async login(email: string, password = demoPassword): Promise<ApiResponse<{ user?: { id: string; role: string }; csrfToken?: string; mfaRequired?: boolean }>> {
    const response = await this.post<{ user?: { id: string; role: string }; csrfToken?: string; mfaRequired?: boolean }>('/api/auth/login', { email, password });
    if (response.body?.csrfToken) this.csrfToken = response.body.csrfToken;
    return response;
  }
}

export async function signedIn(baseUrl: string, email: string): Promise<ApiClient> {
  const client = new ApiClient(baseUrl);
  const response = await client.login(email);
  if (response.status !== 200) throw new Error(`sign-in of ${email} failed: ${response.status} ${JSON.stringify(response.body)}`);
  return client;
}
