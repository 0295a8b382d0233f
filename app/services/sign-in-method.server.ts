import type { AppLoadContext } from "@remix-run/node";
import { getPersonRoles, hasPassword, passwordServes, type PersonRole } from "../../db/queries/accounts";
import type { ProviderId, SignInSettings } from "../../server/env";

/**
 * How a person proves who they are again (before signing a plan): with their password, or by a
 * fresh sign-in at an OpenID Connect provider (/auth/reauthenticate), or not at all here.
 */
export type SignInMethod = { kind: "password" } | { kind: "provider"; provider: ProviderId } | { kind: "none" };

/**
 * The rule, on plain facts so it can be tested alone:
 * 1. someone who came in through a provider that serves them goes back to that provider;
 * 2. otherwise a person with a password, when password sign-in is on for all their roles, uses it;
 * 3. otherwise the first configured provider that serves one of their roles;
 * 4. otherwise none (the school has given this person no way in).
 */
export function chooseSignInMethod(
  person: { roles: readonly PersonRole[]; hasPassword: boolean; sessionProvider: ProviderId | null },
  settings: SignInSettings,
): SignInMethod {
  const serves = (id: ProviderId) => {
    const provider = settings.providers.find((p) => p.id === id);
    return provider !== undefined && person.roles.some((role) => provider.roles.includes(role));
  };
  if (person.sessionProvider && serves(person.sessionProvider)) return { kind: "provider", provider: person.sessionProvider };
  if (person.hasPassword && passwordServes(person.roles, settings.passwordRoles)) return { kind: "password" };
  const provider = settings.providers.find((p) => serves(p.id));
  return provider ? { kind: "provider", provider: provider.id } : { kind: "none" };
}

/** The method for a person, given how their current session started (null: not through a provider). */
export function getSignInMethod(
  context: Pick<AppLoadContext, "db" | "signIn">,
  personId: string,
  sessionProvider: ProviderId | null,
): SignInMethod {
  return chooseSignInMethod(
    { roles: getPersonRoles(context.db, personId), hasPassword: hasPassword(context.db, personId), sessionProvider },
    context.signIn,
  );
}

/** The provider to prove one's identity at again (/auth/reauthenticate), whether or not the
 * person also has a password; null when no configured provider serves them. */
export function getReauthenticationProvider(
  context: Pick<AppLoadContext, "db" | "signIn">,
  personId: string,
  sessionProvider: ProviderId | null,
): ProviderId | null {
  const method = chooseSignInMethod({ roles: getPersonRoles(context.db, personId), hasPassword: false, sessionProvider }, context.signIn);
  return method.kind === "provider" ? method.provider : null;
}
