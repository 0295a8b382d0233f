/**
 * A cookie jar for integration tests that walk a sign-in across two servers (ours and the test
 * identity provider) with plain HTTP. Like a browser, cookies are kept per host name (ports share
 * them); unlike one, paths and SameSite are ignored — the tests name what they send.
 */
export class CookieJar {
  private readonly cookies = new Map<string, Map<string, string>>();

  /** The Cookie header for a request to `url`, or undefined. */
  header(url: string | URL): string | undefined {
    const forHost = this.cookies.get(new URL(url).hostname);
    if (!forHost || forHost.size === 0) return undefined;
    return [...forHost].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** Takes the Set-Cookie headers of a response from `url`. */
  take(url: string | URL, response: Response): void {
    const host = new URL(url).hostname;
    let forHost = this.cookies.get(host);
    if (!forHost) this.cookies.set(host, (forHost = new Map()));
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [key, val] = a.trim().split("=");
        if (key?.toLowerCase() === "max-age") return Number(val) <= 0;
        if (key?.toLowerCase() === "expires") return Date.parse(val ?? "") <= Date.now();
        return false;
      });
      if (expired || value === "") forHost.delete(name);
      else forHost.set(name, value);
    }
  }

  get(url: string | URL, name: string): string | undefined {
    return this.cookies.get(new URL(url).hostname)?.get(name);
  }

  delete(url: string | URL, name: string): void {
    this.cookies.get(new URL(url).hostname)?.delete(name);
  }

  /** A copy, for a second "browser" that starts with the same cookies. */
  clone(): CookieJar {
    const copy = new CookieJar();
    for (const [host, values] of this.cookies) copy.cookies.set(host, new Map(values));
    return copy;
  }

  /** One request with the jar's cookies, no redirects followed; takes the answer's cookies. */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = this.header(url);
    if (cookie) headers.set("Cookie", cookie);
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    this.take(url, response);
    return response;
  }

  /** Posts a form with the jar's cookies. */
  post(url: string | URL, fields: Record<string, string>): Promise<Response> {
    return this.fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields),
    });
  }
}
