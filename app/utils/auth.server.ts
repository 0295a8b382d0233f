import { redirect, type AppLoadContext } from "@remix-run/node";
import { getSignedInPerson, type SignedInPerson } from "../../db/queries/roster";
import { getSessionExpiry } from "../../db/queries/sessions";

async function getSession(request: Request, context: AppLoadContext) {
  return context.sessionStorage.getSession(request.headers.get("Cookie"));
}

/** The signed-in person, or null. */
export async function getPerson(request: Request, context: AppLoadContext): Promise<SignedInPerson | null> {
  const session = await getSession(request, context);
  const personId = session.get("personId");
  if (!personId) return null;
  return getSignedInPerson(context.db, personId);
}

/** Only a path on this site may be a redirect target after sign-in. */
export function safeRedirectPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.includes("\\")) {
    return fallback;
  }
  return value;
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

/** Starts a session for the person and redirects. */
export async function startSession(context: AppLoadContext, request: Request, personId: string, redirectTo: string) {
  const session = await getSession(request, context);
  // A fresh session id at sign-in, so an id planted before sign-in is worthless.
  await context.sessionStorage.destroySession(session);
  const fresh = await context.sessionStorage.getSession();
  fresh.set("personId", personId);
  return redirect(redirectTo, { headers: { "Set-Cookie": await context.sessionStorage.commitSession(fresh) } });
}

export async function endSession(context: AppLoadContext, request: Request) {
  const session = await getSession(request, context);
  return redirect("/login", { headers: { "Set-Cookie": await context.sessionStorage.destroySession(session) } });
}

export function notFound() {
  return new Response("Not Found", { status: 404, statusText: "Not Found" });
}
