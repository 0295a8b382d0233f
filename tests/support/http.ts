/** Plain HTTP helpers for integration tests: sign in through the real form, keep the cookie. */

import { request as httpRequest } from "node:http";

export async function postForm(url: string, fields: Record<string, string>, cookie?: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      ...(cookie ? { Cookie: cookie } : {}),
    },
    body: new URLSearchParams(fields),
  });
}

/**
 * A form posted slowly: the headers and the first half of the body go now, the rest when
 * `finish` is called — so a test can make something happen on the server while the request is
 * under way, as a slow connection (or an attacker) would. Resolves with the response's status.
 */
export function postFormSlowly(url: string, fields: Record<string, string>, cookie?: string): { finish(): Promise<number> } {
  const body = Buffer.from(new URLSearchParams(fields).toString());
  const half = Math.floor(body.length / 2);
  const request = httpRequest(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(body.length), ...(cookie ? { Cookie: cookie } : {}) },
  });
  const status = new Promise<number>((resolve, reject) => {
    request.on("response", (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("error", reject);
  });
  request.write(body.subarray(0, half));
  return {
    finish() {
      request.end(body.subarray(half));
      return status;
    },
  };
}

/** The name=value part of each Set-Cookie header, joined as a Cookie header. */
export function cookieFrom(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

export async function signIn(baseUrl: string, email: string, password = "demo"): Promise<string> {
  const response = await postForm(`${baseUrl}/login`, { email, password });
  if (response.status !== 302) throw new Error(`sign-in as ${email} failed with ${response.status}`);
  return cookieFrom(response);
}

export async function get(url: string, cookie?: string): Promise<Response> {
  return fetch(url, { redirect: "manual", headers: cookie ? { Cookie: cookie } : {} });
}

/** Signs in each demo account through the real form; returns their cookies by the given names. */
export async function signInEach(baseUrl: string, accounts: Record<string, string>): Promise<Record<string, string>> {
  const cookies: Record<string, string> = {};
  for (const [who, email] of Object.entries(accounts)) cookies[who] = await signIn(baseUrl, email);
  return cookies;
}

/** The first plan the JSON API lists for this person (for a pupil: their plan this term). */
export async function firstPlanId(baseUrl: string, cookie: string): Promise<string> {
  const response = await get(`${baseUrl}/api/me/plans`, cookie);
  return ((await response.json()) as { plans: Array<{ planId: string }> }).plans[0]!.planId;
}

/**
 * Opens a server-sent event stream as a browser's EventSource would, without reconnecting: the
 * stream's status, what it sent (and the changes it announced), and a promise that resolves when
 * the server ends it. Resolves once the server has answered (and so is listening).
 */
export async function openEventStream(url: string, cookie: string) {
  const abort = new AbortController();
  const response = await fetch(url, { redirect: "manual", headers: { Cookie: cookie, Accept: "text/event-stream" }, signal: abort.signal });
  const received: string[] = [];
  /** The `data` of each "changed" event, in order. */
  const changes: string[] = [];
  let buffer = "";
  let ended = false;
  const finished = (async () => {
    if (!response.body) return;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        received.push(text);
        buffer += text;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(block);
          if (/^event: changed$/m.test(block) && data) changes.push(data[1]!);
        }
      }
    } catch {
      // Aborted by the test itself.
    }
    ended = true;
  })();
  return {
    status: response.status,
    received,
    changes,
    /** Whether the server has ended the stream. */
    hasEnded: () => ended,
    finished,
    close() {
      abort.abort();
    },
  };
}

/**
 * A download as our own pages start it: browsers mark a link followed on our page as
 * `Sec-Fetch-Site: same-origin` (exports refuse anything else, see app/utils/request-origin.server.ts).
 */
export async function download(url: string, cookie?: string): Promise<Response> {
  return fetch(url, { redirect: "manual", headers: { "Sec-Fetch-Site": "same-origin", ...(cookie ? { Cookie: cookie } : {}) } });
}

/**
 * A request with headers `fetch` will not send as given (a crafted Host), over node:http.
 * Resolves with the status, headers and body once the answer is complete.
 */
export async function rawRequest(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    /** Send `body` and then wait for the answer without finishing the request (a body larger than what is sent). */
    partialBody?: boolean;
  } = {},
): Promise<{ status: number; headers: import("node:http").IncomingHttpHeaders; body: string; bytes: Buffer }> {
  const { request } = await import("node:http");
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: options.method ?? "GET", headers: options.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const bytes = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes.toString("utf8"), bytes });
        });
        res.on("error", reject);
      },
    );
    let answered = false;
    req.on("response", () => (answered = true));
    // The server may close the connection after answering a body it would not read.
    req.on("error", (error) => (options.partialBody && answered ? undefined : reject(error)));
    if (options.partialBody) {
      req.write(options.body ?? "");
      req.on("response", (res) => res.on("end", () => req.destroy()));
    } else {
      req.end(options.body);
    }
  });
}

/**
 * A request with a Host header of our choosing (fetch always sends the real one), as a client
 * reaching the server under another name would. Answers status, headers and body; no redirects.
 */
export async function requestWithHost(
  url: string,
  host: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; location: string | null; setCookie: string[]; body: string }> {
  const { request } = await import("node:http");
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: init.method ?? "GET",
        headers: { ...init.headers, Host: host },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            location: res.headers.location ?? null,
            setCookie: res.headers["set-cookie"] ?? [],
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}
