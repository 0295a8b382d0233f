import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import en from "../app/locales/en/common";
import sv from "../app/locales/sv/common";
import { isCrossSiteWrite, ownOrigins } from "../app/utils/request-origin";
import { DEVICE_PARTITION_HEADER } from "../app/shared/device-copy";
import type { Logger } from "./logger";

/**
 * What every request meets before the app: a valid Host, a bounded body, writes only from our own
 * pages, and the security headers (a per-request CSP nonce, HSTS over HTTPS, no caching unless a
 * route says otherwise). Refusals are short texts in Swedish and English: a browser shows them as
 * they are, and nothing in them comes from the request or from inside the server.
 */

/** The largest request body taken at all (the biggest form is an uploaded export, up to 2 MB). */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
/** A school's whole roster (SS12000 files or a CSV) is uploaded in one form: the only larger body. */
const LARGER_BODIES: Record<string, number> = { "/admin/import": 32 * 1024 * 1024 };

type EdgeMessage = keyof typeof sv.edge;

function refuse(res: Response, status: number, message: EdgeMessage) {
  res.status(status).type("text/plain; charset=utf-8").send(`${sv.edge[message]}\n\n${en.edge[message]}\n`);
}

// A host name (underscores too: container names), IPv4 or [IPv6], and an optional port.
const HOST = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})?)*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** Runs `set` just before the response's headers are written (after the route has set its own). */
function beforeHeaders(res: Response, set: () => void) {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: Parameters<typeof writeHead>) {
    set();
    return writeHead.apply(this, args);
  } as typeof writeHead;
}

/** The public address, read on each request (without PUBLIC_URL it is known once the port is bound). */
export interface Site {
  readonly publicUrl: string;
  /** The identity providers' origins: a sign-in (or sign-out) form is answered with a redirect there,
   * and browsers hold such redirects to the policy's form-action. */
  readonly providerOrigins: readonly string[];
}

export function securityHeaders(site: Site): RequestHandler {
  return (req, res, next) => {
    const publicHost = new URL(site.publicUrl).host;
    const https = site.publicUrl.startsWith("https:");
    const host = req.headers.host ?? "";
    if (!HOST.test(host)) {
      refuse(res, 400, "badHost");
      return;
    }
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    const sockets = [...new Set([publicHost, host])].flatMap((h) => [`ws://${h}`, `wss://${h}`]);
    res.setHeader(
      "Content-Security-Policy",
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${nonce}'`,
        // Inline style attributes: React's style props and the editor's caret colours.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        `connect-src 'self' ${sockets.join(" ")}`,
        "object-src 'none'",
        "base-uri 'none'",
        `form-action 'self'${site.providerOrigins.map((origin) => ` ${origin}`).join("")}`,
        "frame-ancestors 'none'",
      ].join("; "),
    );
    if (https) res.setHeader("Strict-Transport-Security", "max-age=31536000");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    beforeHeaders(res, () => {
      // Personal data everywhere: nothing is cached unless a route (or the static files) says so.
      if (!res.hasHeader("Cache-Control")) res.setHeader("Cache-Control", "no-store");
      // A body refused unread for its size (413) or its unknown length (411) is never read: the
      // connection closes after the answer. Any other body answered before it was read (a form
      // refused before it is parsed: not this person's to send) is within the size limit: it is
      // read to its end and dropped once the answer is out (below). Closing instead broke the
      // client's pipe while it was still sending, and it lost the answer (a busy CI run: "fetch
      // failed: write EPIPE"). (A request without a body may not be marked complete yet when an
      // answer is ready in the same turn; closing those would cost every browser its keep-alive.)
      const hasBody = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
      if (hasBody && !req.complete && (res.statusCode === 411 || res.statusCode === 413)) res.setHeader("Connection", "close");
    });
    res.on("finish", () => {
      if (req.complete || req.destroyed || res.getHeader("Connection") === "close") return;
      // The handler that left it unread (Remix's request stream) keeps it paused: nobody reads it now.
      req.removeAllListeners("data");
      req.resume();
    });
    next();
  };
}

/** Bodies of a known, bounded length only; writes only from our own pages. */
export function guardRequests(site: Site): RequestHandler {
  return (req, res, next) => {
    const hasBody = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
    if (hasBody) {
      if (req.headers["content-length"] === undefined) return refuse(res, 411, "lengthRequired");
      if (Number(req.headers["content-length"]) > (LARGER_BODIES[req.path] ?? MAX_REQUEST_BYTES)) return refuse(res, 413, "tooLarge");
    }
    const own = ownOrigins(site.publicUrl, `${req.protocol}://${req.headers.host}`);
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === "string" ? value : null;
    };
    const signals = { method: req.method, secFetchSite: header("sec-fetch-site"), origin: header("origin"), referer: header("referer") };
    if (isCrossSiteWrite(signals, own)) return refuse(res, 403, "crossSite");
    next();
  };
}

/**
 * Names the signed-in session every response belongs to (a keyed hash of the session cookie, not
 * the cookie), so that the service worker keeps pages apart per session and drops another
 * session's the moment it sees a new one (service-worker/sw.ts). No session cookie, no header.
 */
export function devicePartition(options: { secret: string; cookieName: string }): RequestHandler {
  const key = createHash("sha256").update(`device-partition:${options.secret}`).digest();
  const prefix = `${options.cookieName}=`;
  return (req, res, next) => {
    const cookie = req.headers.cookie
      ?.split(";")
      .map((part) => part.trim())
      .find((part) => part.startsWith(prefix))
      ?.slice(prefix.length);
    if (cookie) res.setHeader(DEVICE_PARTITION_HEADER, createHmac("sha256", key).update(cookie).digest("base64url").slice(0, 22));
    next();
  };
}

/** Whether an Authorization header carries the operators' token (compared in constant time). */
function hasOperatorToken(authorization: string | undefined, metricsToken: string | undefined): boolean {
  if (!metricsToken || authorization === undefined) return false;
  const given = Buffer.from(authorization);
  const token = Buffer.from(`Bearer ${metricsToken}`);
  return given.length === token.length && timingSafeEqual(given, token);
}

/** Lets through only requests with the operators' token: 401 otherwise, 404 when no token is configured. */
export function requireOperatorToken(metricsToken: string | undefined): RequestHandler {
  return (req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    if (!metricsToken) return void res.status(404).type("text/plain").send("Not found\n");
    if (!hasOperatorToken(req.headers.authorization, metricsToken)) {
      return void res.status(401).setHeader("WWW-Authenticate", "Bearer").type("text/plain").send("Unauthorized\n");
    }
    next();
  };
}

const closedSignals = new WeakMap<Response, AbortSignal>();

/** A signal that aborts when the response's connection closes (made on first use: most requests never ask). */
export function connectionClosed(res: Response): AbortSignal {
  let signal = closedSignals.get(res);
  if (!signal) {
    const controller = new AbortController();
    if (res.closed) controller.abort();
    else res.once("close", () => controller.abort());
    signal = controller.signal;
    closedSignals.set(res, signal);
  }
  return signal;
}

/** The process's memory in MB, for /healthz's figures: a leak shows as a heap that keeps growing. */
export function memoryFigures(): { rssMB: number; heapUsedMB: number; heapTotalMB: number; externalMB: number } {
  const usage = process.memoryUsage();
  const mb = (bytes: number) => Math.round(bytes / 104_857.6) / 10;
  return { rssMB: mb(usage.rss), heapUsedMB: mb(usage.heapUsed), heapTotalMB: mb(usage.heapTotal), externalMB: mb(usage.external) };
}

/** /healthz: whether the server is well, to anyone; its figures only with the operators' token. */
export function healthCheck(options: { metricsToken?: string; check(): boolean; figures(): Record<string, unknown> }): RequestHandler {
  return (req, res) => {
    const healthy = options.check();
    const status = { status: healthy ? "ok" : "degraded" };
    const authorization = req.headers.authorization;
    res.setHeader("Cache-Control", "no-store");
    if (authorization === undefined) return void res.status(healthy ? 200 : 503).json(status);
    if (!hasOperatorToken(authorization, options.metricsToken)) return void res.status(401).json(status);
    res.status(healthy ? 200 : 503).json({ ...status, database: healthy, ...options.figures() });
  };
}

/** The last stop: an error Express or the Remix adapter threw. Logged by kind, answered without details. */
export function hideErrors(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const status = typeof (error as { status?: unknown })?.status === "number" ? (error as { status: number }).status : 500;
    if (status >= 500) logger.error({ err: error instanceof Error ? error.name : "unknown" }, "request failed");
    if (res.headersSent) return void res.destroy();
    refuse(res, status >= 400 && status < 500 ? status : 500, status >= 400 && status < 500 ? "badRequest" : "internal");
  };
}
