/** Plain HTTP helpers for integration tests: sign in through the real form, keep the cookie. */

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
