import { STATUS_CODES } from 'node:http';
import type { FetchFunction } from '@slack/web-api';

type FetchResponse = Awaited<ReturnType<FetchFunction>>;

// Loaded with the first call, not at start: undici takes 60–90 ms to load, and `npm run tick` on a
// quiet minute, or the app before its first call, need none of it.
let undici: Promise<typeof import('undici')> | undefined;
const loadUndici = () => {
  undici ??= import('undici');
  return undici;
};

/**
 * How the Web API client reaches Slack. The client calls `fetch` for every method and needs only the
 * small part of it that `FetchFunction` names. Node's global fetch costs several times the CPU of
 * undici's `request` for the same call (web streams, Request and AbortSignal objects): measured on
 * one `chat.update`-sized call against a local server, about 260–320 µs against 60–70 µs, client and
 * server together. Every check-in, modal and pulse invitation makes such a call, so Alliance's calls
 * with a form body (all of Slack's methods) go through `request`; multipart uploads (files) keep
 * the global fetch, which builds their body.
 */
export const webApiFetch: FetchFunction = async (url, init = {}) => {
  const { body } = init;
  if (typeof body !== 'string') return globalThis.fetch(url, init);
  const { request } = await loadUndici();
  const answer = await request(url, {
    method: init.method ?? 'POST',
    ...(init.headers ? { headers: init.headers } : {}),
    body,
    ...(init.signal ? { signal: init.signal } : {}),
  });
  const bytes = Buffer.from(await answer.body.arrayBuffer());
  // Slack's API never redirects; fetch with redirect 'error' fails on one, and so does this.
  if (init.redirect === 'error' && answer.statusCode >= 300 && answer.statusCode < 400) {
    throw new TypeError(`Slack answered ${url} with a redirect (${answer.statusCode})`);
  }
  return answerOf(String(url), answer.statusCode, answer.headers, bytes);
};

function answerOf(
  url: string,
  status: number,
  raw: Record<string, string | string[] | undefined>,
  bytes: Buffer,
): FetchResponse {
  // undici gives header names in lower case; a repeated header arrives as an array.
  const values = new Map<string, string>();
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) values.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
  }
  const headers: FetchResponse['headers'] = {
    get: (name) => values.get(name.toLowerCase()) ?? null,
    entries: () => values.entries(),
  };
  const text = () => bytes.toString('utf8');
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: STATUS_CODES[status] ?? '',
    url,
    headers,
    arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    text: async () => text(),
    json: async () => JSON.parse(text()) as unknown,
  };
}
