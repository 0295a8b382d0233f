import { createCookie, type AppLoadContext } from "@remix-run/node";
import * as client from "openid-client";
import { findPeopleByExternalId, findPersonByEmail, getPersonRoles, type AccountPerson } from "../../db/queries/accounts";
import type { OidcProviderSettings, ProviderId } from "../../server/env";

/**
 * Sign-in through the school's OpenID Connect providers (openid-client): authorization code flow
 * with PKCE, state and nonce. What the flow needs between leaving for the provider and coming
 * back (state, nonce, PKCE verifier, where to return) travels in a short-lived, signed, httpOnly
 * cookie scoped to /auth — never in a URL beyond the protocol's own parameters.
 *
 * A person is found by one configured claim (e-mail, or the source system's person id); nobody is
 * ever created here. The staff provider signs in staff and pupils, the guardian provider guardians
 * (server/env.ts).
 */

type SignInContext = AppLoadContext["signIn"];

/** Why a flow is started: a sign-in, or proving again who one is (before signing a plan). */
export type FlowPurpose = "sign-in" | "reauthenticate";

interface Flow {
  provider: ProviderId;
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  purpose: FlowPurpose;
  /** Re-authentication: the person who must come back. */
  personId?: string;
  startedAt: number;
}

/** How long a person may take at the provider. */
const FLOW_SECONDS = 10 * 60;
/** Clock difference between us and a provider that is still accepted for `auth_time`. */
const AUTH_TIME_SKEW_MS = 30_000;

function flowCookie(settings: SignInContext) {
  return createCookie("__oidc_flow", {
    httpOnly: true,
    // Lax: the provider sends the browser back with a top-level GET, which carries it.
    sameSite: "lax",
    secure: settings.cookieSecure,
    path: "/auth",
    maxAge: FLOW_SECONDS,
    secrets: [settings.cookieSecret],
  });
}

/** The Set-Cookie value that removes the flow cookie (every callback ends the flow, whatever happens). */
export function clearFlowCookie(settings: SignInContext): Promise<string> {
  return flowCookie(settings).serialize("", { maxAge: 0 });
}

export function getProvider(settings: SignInContext, id: string): OidcProviderSettings | null {
  return settings.providers.find((p) => p.id === id) ?? null;
}

export function callbackUrl(settings: SignInContext, provider: ProviderId): string {
  return `${settings.publicUrl}/auth/${provider}/callback`;
}

/** Where a provider sends the browser after signing out there (register it at the provider). */
export function postLogoutUrl(settings: SignInContext): string {
  return `${settings.publicUrl}/login`;
}

/** The provider's discovered configuration, fetched once; a failed discovery is tried again next time. */
function getConfiguration(settings: SignInContext, provider: OidcProviderSettings): Promise<client.Configuration> {
  const key = `${provider.id} ${provider.issuer} ${provider.clientId}`;
  let pending = settings.discovery.get(key);
  if (!pending) {
    const issuer = new URL(provider.issuer);
    // server/env.ts allows plain http only for a provider on this machine.
    const insecure = issuer.protocol === "http:";
    pending = client.discovery(
      issuer,
      provider.clientId,
      provider.clientSecret,
      provider.clientSecret ? client.ClientSecretBasic(provider.clientSecret) : client.None(),
      { timeout: 10, ...(insecure ? { execute: [client.allowInsecureRequests] } : {}) },
    );
    settings.discovery.set(key, pending);
    pending.catch(() => settings.discovery.delete(key));
  }
  return pending;
}

export type StartResult = { ok: true; location: string; cookie: string } | { ok: false; error: "providerUnavailable" };

/** Starts a sign-in (or re-authentication) at the provider: the URL to send the browser to and the flow cookie. */
export async function startFlow(
  settings: SignInContext,
  provider: OidcProviderSettings,
  options: { purpose: FlowPurpose; returnTo: string; personId?: string; uiLocale?: string },
): Promise<StartResult> {
  let config: client.Configuration;
  try {
    config = await getConfiguration(settings, provider);
  } catch {
    return { ok: false, error: "providerUnavailable" };
  }
  const flow: Flow = {
    provider: provider.id,
    state: client.randomState(),
    nonce: client.randomNonce(),
    codeVerifier: client.randomPKCECodeVerifier(),
    returnTo: options.returnTo,
    purpose: options.purpose,
    ...(options.personId ? { personId: options.personId } : {}),
    startedAt: Date.now(),
  };
  const parameters: Record<string, string> = {
    redirect_uri: callbackUrl(settings, provider.id),
    scope: provider.scopes,
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
    code_challenge_method: "S256",
  };
  // The page's language, so a provider that has it shows its own pages in it (OpenID Connect
  // Core 3.1.2.1; a provider without it ignores the hint).
  if (options.uiLocale) parameters.ui_locales = options.uiLocale;
  if (options.purpose === "reauthenticate") {
    // A fresh authentication, not the provider's remembered session.
    parameters.prompt = "login";
    parameters.max_age = "0";
  }
  const location = client.buildAuthorizationUrl(config, parameters).href;
  return { ok: true, location, cookie: await flowCookie(settings).serialize(flow) };
}

export type CallbackError =
  /** No flow cookie (expired, used already, or another browser). */
  | "noFlow"
  /** The person stopped at the provider. */
  | "cancelled"
  /** The response failed a check: state, nonce, PKCE, issuer, signature, an expired or used code. */
  | "rejected"
  | "providerUnavailable"
  /** The identity matches nobody at any school. */
  | "noMatch"
  /** The identity is a person this provider does not sign in (a guardian at the staff provider). */
  | "wrongProvider"
  /** Re-authentication: the provider did not authenticate the person just now. */
  | "notFresh"
  /** Re-authentication: someone else signed in at the provider. */
  | "otherPerson";

export type CallbackResult =
  | { ok: true; purpose: FlowPurpose; personId: string; idToken: string; returnTo: string }
  | { ok: false; error: CallbackError };

/**
 * Finishes a flow at the callback: checks the response (openid-client: state, issuer, PKCE at the
 * token endpoint, the ID token's signature, audience, nonce, and for re-authentication auth_time),
 * then finds the one person the configured claim names. `request` is the callback request; its
 * URL is rebuilt on PUBLIC_URL, the address registered at the provider.
 */
export async function completeFlow(
  settings: SignInContext,
  db: AppLoadContext["db"],
  provider: OidcProviderSettings,
  request: Request,
): Promise<CallbackResult> {
  const flow = (await flowCookie(settings).parse(request.headers.get("Cookie"))) as Flow | null;
  if (!isFlow(flow) || flow.provider !== provider.id || Date.now() - flow.startedAt > FLOW_SECONDS * 1000) {
    return { ok: false, error: "noFlow" };
  }
  const requestUrl = new URL(request.url);
  const currentUrl = new URL(`${callbackUrl(settings, provider.id)}${requestUrl.search}`);

  let claims: Record<string, unknown>;
  let idToken: string;
  try {
    const config = await getConfiguration(settings, provider);
    const tokens = await client.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      // Re-authentication asked for max_age=0: auth_time must be there (its freshness is checked below).
      ...(flow.purpose === "reauthenticate" ? { maxAge: FLOW_SECONDS } : {}),
    });
    const idClaims = tokens.claims();
    if (!idClaims || !tokens.id_token) return { ok: false, error: "rejected" };
    idToken = tokens.id_token;
    claims = { ...idClaims };
    if (claims[provider.claim] === undefined && config.serverMetadata().userinfo_endpoint) {
      // Many providers put profile claims (e-mail) only in the UserInfo response of a code flow.
      const userInfo = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      claims = { ...userInfo, ...idClaims };
    }
  } catch (error) {
    return { ok: false, error: classify(error) };
  }

  if (flow.purpose === "reauthenticate") {
    const authTime = typeof claims.auth_time === "number" ? claims.auth_time * 1000 : 0;
    if (authTime < flow.startedAt - AUTH_TIME_SKEW_MS) return { ok: false, error: "notFresh" };
  }

  const match = matchPerson(db, provider, claims);
  if (!match.ok) return match;
  if (flow.purpose === "reauthenticate" && match.person.id !== flow.personId) return { ok: false, error: "otherPerson" };
  return { ok: true, purpose: flow.purpose, personId: match.person.id, idToken, returnTo: flow.returnTo };
}

function isFlow(value: unknown): value is Flow {
  if (!value || typeof value !== "object") return false;
  const f = value as Record<string, unknown>;
  return (
    typeof f.provider === "string" &&
    typeof f.state === "string" &&
    typeof f.nonce === "string" &&
    typeof f.codeVerifier === "string" &&
    typeof f.returnTo === "string" &&
    (f.purpose === "sign-in" || f.purpose === "reauthenticate") &&
    typeof f.startedAt === "number"
  );
}

function classify(error: unknown): CallbackError {
  if (error instanceof client.AuthorizationResponseError) return error.error === "access_denied" ? "cancelled" : "rejected";
  if (error instanceof client.ResponseBodyError || error instanceof client.ClientError) return "rejected";
  // fetch failed, a timeout: the provider could not be reached.
  return "providerUnavailable";
}

/**
 * The one person the provider's claim names, if this provider may sign them in. E-mail is compared
 * case-insensitively (and not when the provider says the address is unverified); an external id
 * exactly. An id found at several schools names nobody for certain, so it signs in no one.
 */
export function matchPerson(
  db: AppLoadContext["db"],
  provider: Pick<OidcProviderSettings, "match" | "claim" | "roles">,
  claims: Record<string, unknown>,
): { ok: true; person: AccountPerson } | { ok: false; error: "noMatch" | "wrongProvider" } {
  const raw = claims[provider.claim];
  const value = typeof raw === "string" ? raw.trim() : typeof raw === "number" ? String(raw) : "";
  if (!value || value.length > 320) return { ok: false, error: "noMatch" };
  let candidates: AccountPerson[];
  if (provider.match === "email") {
    if (claims.email_verified === false) return { ok: false, error: "noMatch" };
    const person = findPersonByEmail(db, value);
    candidates = person ? [person] : [];
  } else {
    candidates = findPeopleByExternalId(db, value);
  }
  if (candidates.length !== 1) return { ok: false, error: "noMatch" };
  const person = candidates[0]!;
  const roles = getPersonRoles(db, person.id);
  if (!roles.some((role) => provider.roles.includes(role))) return { ok: false, error: "wrongProvider" };
  return { ok: true, person };
}

/**
 * Where to send the browser at sign-out so the provider's session ends too (RP-initiated logout
 * with id_token_hint and post_logout_redirect_uri), or null when the provider offers no
 * end_session_endpoint or cannot be reached (then only our session ends).
 */
export async function providerSignOutUrl(settings: SignInContext, session: { provider: ProviderId; idToken: string }): Promise<string | null> {
  const provider = getProvider(settings, session.provider);
  if (!provider) return null;
  try {
    const config = await getConfiguration(settings, provider);
    if (!config.serverMetadata().end_session_endpoint) return null;
    return client.buildEndSessionUrl(config, { id_token_hint: session.idToken, post_logout_redirect_uri: postLogoutUrl(settings) }).href;
  } catch {
    return null;
  }
}
