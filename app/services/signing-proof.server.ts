import type { AppLoadContext } from "@remix-run/node";
import { getProvider } from "./oidc.server";
import { isRecentAuthentication } from "./recent-authentication.server";
import { getSignInMethod } from "./sign-in-method.server";
import { getAuthenticatedAt, getSessionProvider } from "~/utils/auth.server";

/**
 * What the signing step must ask of the person at this device before they sign on it: nothing
 * (they signed in within five minutes), their password again, or a fresh sign-in at their identity
 * provider (/auth/reauthenticate), for people who sign in only through one.
 */
export type SigningProof = { kind: "none" } | { kind: "password" } | { kind: "provider"; provider: { id: "staff" | "guardian"; name?: string } };

export async function getSigningProof(request: Request, context: AppLoadContext, personId: string): Promise<SigningProof> {
  if (isRecentAuthentication(await getAuthenticatedAt(request, context))) return { kind: "none" };
  const session = await getSessionProvider(request, context);
  const method = getSignInMethod(context, personId, session?.provider ?? null);
  if (method.kind !== "provider") return { kind: "password" };
  const provider = getProvider(context.signIn, method.provider);
  return provider ? { kind: "provider", provider: { id: provider.id, ...(provider.name ? { name: provider.name } : {}) } } : { kind: "password" };
}
