/** A response read to the end: status, headers, the body as text, and `json()` of that text. */
export interface TextResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  json(): unknown;
}

/** `fetch` that reads the whole body, so the connection is free again when it resolves. */
export async function fetchText(url: string, init?: RequestInit): Promise<TextResponse> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
}
