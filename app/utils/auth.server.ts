import { redirect, redirectDocument, type AppLoadContext } from "@remix-run/node";
import type { SignInMethod } from "./metrics";
import { getSignedInPerson, type SignedInPerson } from "../../db/queries/roster";
import type { SessionData } from "../../db/queries/sessions";
import { getSessionExpiry } from "../../db/queries/sessions";
import { settleLocaleAtSignIn } from "~/services/person-locale.server";
import { getLocale, localeCookie, localePickedCookie, wasLocalePicked } from "./i18n.server";

/** A request's session, read once however many loaders ask (the root's and the page's, the signing
 * step's): each read verified the cookie's signature and asked the database. */
const sessionsOfRequests = new WeakMap<Request, { cookie: string | null; session: ReturnType<AppLoadContext["sessionStorage"]["getSession"]> }>();

async function getSession(request: Request, context: AppLoadContext) {
  const cookie = request.headers.get("Cookie");
  const known = sessionsOfRequests.get(request);
  if (known && known.cookie === cookie) return known.session;
  const session = context.sessionStorage.getSession(cookie);
  sessionsOfRequests.set(request, { cookie, session });
  return session;
}

/** The signed-in person, or null. */
export async function getPerson(request: Request, context: AppLoadContext): Promise<SignedInPerson | null> {
  const session = await getSession(request, context);
  const personId = session.get("personId");
  if (!personId) return null;
  return getSignedInPerson(context.db, personId);
}

// A stand-in origin: a target is safe when, resolved against any origin, it stays on it.
const OWN_ORIGIN = "https://own.invalid";

/**
 * Only a path on this site may be a redirect target (after sign-in, after switching language).
 * Browsers drop tabs and newlines from addresses, read "\\" as "/", and treat "//host" as another
 * site, so the value is refused outright when it holds any of those, and otherwise parsed against
 * our own origin: what comes back must be a path on that origin, which is what is returned
 * (normalised and percent-encoded, so it is also always a valid Location header).
 */
export function safeRedirectPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || value.length > 2048 || !value.startsWith("/") || /[\s\\\u0000-\u001f\u007f-\u009f]/.test(value)) return fallback;
  if (value.startsWith("//")) return fallback;
  let url: URL;
  try {
    url = new URL(value, OWN_ORIGIN);
  } catch {
    return fallback;
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (url.origin !== OWN_ORIGIN || !path.startsWith("/") || path.startsWith("//")) return fallback;
  return path;
}

/** The signed-in person; otherwise sends the browser to sign in and back here afterwards. */
export async function requirePerson(request: Request, context: AppLoadContext): Promise<SignedInPerson> {
  const person = await getPerson(request, context);
  if (person) return person;
  throw signInAndComeBack(request);
}

function signInAndComeBack(request: Request): Response {
  const url = new URL(request.url);
  const back = url.pathname === "/" ? "" : `?${new URLSearchParams({ redirectTo: url.pathname })}`;
  return redirect(`/login${back}`);
}

/**
 * The signed-in person with their session's id and expiry, for what outlives the request (an
 * event stream ends with the session); otherwise sends the browser to sign in, as requirePerson.
 */
export async function requirePersonSession(
  request: Request,
  context: AppLoadContext,
): Promise<{ person: SignedInPerson; session: { id: string; expiresAt: Date } }> {
  const session = await getSession(request, context);
  const personId = session.get("personId");
  const person = personId ? getSignedInPerson(context.db, personId) : null;
  const expiresAt = person ? getSessionExpiry(context.db, session.id) : null;
  if (!person || !expiresAt) throw signInAndComeBack(request);
  return { person, session: { id: session.id, expiresAt } };
}

/**
 * Starts a session for the person and redirects. Every way of signing in ends here (password,
 * a set-password link, an OpenID Connect provider), so the session always records when the
 * person authenticated: acts of intent (signing a plan) ask for it to be recent. `headers` are
 * added to the redirect (e.g. clearing a sign-in cookie), `setCookies` too (the known-device cookie).
 * The page's language is settled here too: one chosen before signing in goes onto the account,
 * otherwise the account's language becomes the page's. So the next page is a full document load
 * (the browser holds one language's texts), whichever form or redirect signed the person in.
 */
export async function startSession(
  context: AppLoadContext,
  request: Request,
  personId: string,
  redirectTo: string,
  options: { method: SignInMethod; oidc?: SessionData["oidc"]; headers?: Headers; setCookies?: string[] },
) {
  context.metrics.signedIn(options.method);
  const session = await getSession(request, context);
  // A fresh session id at sign-in, so an id planted before sign-in is worthless.
  await context.sessionStorage.destroySession(session);
  const fresh = await context.sessionStorage.getSession();
  fresh.set("personId", personId);
  fresh.set("authenticatedAt", Date.now());
  if (options.oidc) fresh.set("oidc", options.oidc);
  const headers = new Headers(options.headers);
  headers.append("Set-Cookie", await context.sessionStorage.commitSession(fresh));
  for (const cookie of options.setCookies ?? []) headers.append("Set-Cookie", cookie);
  const picked = (await wasLocalePicked(request)) ? await getLocale(request) : null;
  const locale = settleLocaleAtSignIn(context.db, personId, picked);
  if (locale) headers.append("Set-Cookie", await localeCookie.serialize(locale));
  if (picked) headers.append("Set-Cookie", await localePickedCookie.serialize("", { maxAge: 0 }));
  return redirectDocument(redirectTo, { headers });
}

/** When the person last proved who they are in this session (ms since the epoch); 0 when unknown. */
export async function getAuthenticatedAt(request: Request, context: AppLoadContext): Promise<number> {
  const value = (await getSession(request, context)).get("authenticatedAt");
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** After a re-authentication: the same session, with a new time of authentication (and the new
 * ID token, when it came from a provider). Returns the Set-Cookie value to send. */
export async function refreshAuthentication(context: AppLoadContext, request: Request, oidc?: SessionData["oidc"]): Promise<string> {
  const session = await getSession(request, context);
  session.set("authenticatedAt", Date.now());
  if (oidc) session.set("oidc", oidc);
  return context.sessionStorage.commitSession(session);
}

/** How the current session was started: the provider and its ID token, or null (password). */
export async function getSessionProvider(request: Request, context: AppLoadContext): Promise<SessionData["oidc"] | null> {
  const session = await getSession(request, context);
  return session.get("personId") ? (session.get("oidc") ?? null) : null;
}

/** Ends the session and redirects to `redirectTo` (the sign-in page, or the provider's sign-out). */
export async function endSession(context: AppLoadContext, request: Request, redirectTo = "/login") {
  const session = await getSession(request, context);
  return redirect(redirectTo, { headers: { "Set-Cookie": await context.sessionStorage.destroySession(session) } });
}

export function notFound() {
  return new Response("Not Found", { status: 404, statusText: "Not Found" });
}
