/** One HTTP response with its body as text and, when JSON, parsed. */
export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** A tiny fetch wrapper for tests: every response's text is also handed to `onResponse` (for leak checks). */
export function httpClient(baseUrl: string, onResponse?: (where: string, text: string) => void) {
  const request = async (method: string, path: string, init: { body?: unknown; raw?: string | Uint8Array; headers?: Record<string, string> } = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...init.headers };
    let body: string | Uint8Array | undefined;
    if (init.raw !== undefined) body = init.raw;
    else if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: body as BodyInit }) });
    const text = await response.text();
    onResponse?.(`${method} ${path}`, `${JSON.stringify([...response.headers])}\n${text}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };
  return {
    request,
    get: (path: string, headers?: Record<string, string>) => request('GET', path, headers ? { headers } : {}),
    post: (path: string, body: unknown, headers?: Record<string, string>) => request('POST', path, { body, ...(headers ? { headers } : {}) }),
  };
}
