/**
 * Whether a request comes from our own pages, decided from what browsers send and pages cannot
 * forge: Fetch Metadata (`Sec-Fetch-Site`), `Origin` and `Referer`. Shared by the server's edge
 * (every write) and the app (GET routes with effects, such as exports). Pure: no server imports.
 */

export interface RequestSignals {
  method: string;
  /** The browser's own judgement: same-origin, same-site, cross-site or none (typed, bookmarked). */
  secFetchSite: string | null;
  origin: string | null;
  referer: string | null;
}

/** The origins our pages are served from: the configured public address and the one this request reached. */
export function ownOrigins(publicUrl: string, requestOrigin: string): Set<string> {
  return new Set([new URL(publicUrl).origin, new URL(requestOrigin).origin]);
}

function originOf(value: string | null): string | null {
  if (!value) return null;
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A write (any method but GET/HEAD/OPTIONS) that another site made the browser send. Every current
 * browser sends Sec-Fetch-Site and Origin on a form post; a client that sends neither is not a
 * browser (and carries no one's cookie by accident), so it passes to the usual checks.
 */
export function isCrossSiteWrite(signals: RequestSignals, own: Set<string>): boolean {
  if (SAFE_METHODS.has(signals.method.toUpperCase())) return false;
  if (signals.secFetchSite && signals.secFetchSite !== "same-origin" && signals.secFetchSite !== "none") return true;
  if (signals.origin !== null) {
    // "null" (a sandboxed frame, a data: page) is never ours.
    const origin = originOf(signals.origin);
    return origin === null || !own.has(origin);
  }
  return false;
}

/**
 * A GET with an effect (a download that is logged) started from our own pages, or typed in by the
 * person: `Sec-Fetch-Site: same-origin` or `none`. A browser without Fetch Metadata must show a
 * Referer of ours (our pages send one: Referrer-Policy same-origin); a page elsewhere can make a
 * browser drop the Referer, so no signal at all is refused too.
 */
export function isOwnPageRequest(signals: Pick<RequestSignals, "secFetchSite" | "referer">, own: Set<string>): boolean {
  if (signals.secFetchSite) return signals.secFetchSite === "same-origin" || signals.secFetchSite === "none";
  const referer = originOf(signals.referer);
  return referer !== null && own.has(referer);
}

export function signalsOf(headers: { get(name: string): string | null }, method: string): RequestSignals {
  return { method, secFetchSite: headers.get("sec-fetch-site"), origin: headers.get("origin"), referer: headers.get("referer") };
}
