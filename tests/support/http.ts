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
 * Opens a server-sent event stream as a browser's EventSource would, without reconnecting: the
 * stream's status, what it sent, and a promise that resolves when the server ends it.
 */
export async function openEventStream(url: string, cookie: string) {
  const abort = new AbortController();
  const response = await fetch(url, { redirect: "manual", headers: { Cookie: cookie, Accept: "text/event-stream" }, signal: abort.signal });
  const received: string[] = [];
  let ended = false;
  const finished = (async () => {
    if (!response.body) return;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received.push(decoder.decode(value));
      }
    } catch {
      // Aborted by the test itself.
    }
    ended = true;
  })();
  return {
    status: response.status,
    received,
    /** Whether the server has ended the stream. */
    hasEnded: () => ended,
    finished,
    close() {
      abort.abort();
    },
  };
}
