import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { SignInProblem, useProviderName } from "~/components/sign-in-problem";
import { getProvider, startFlow } from "~/services/oidc.server";
import { getReauthenticationProvider } from "~/services/sign-in-method.server";
import { getSessionProvider, requirePerson, safeRedirectPath } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { getLocale } from "~/utils/i18n.server";
import type { PageHandle } from "~/utils/page-title";

export const handle: PageHandle = { titleKey: "pageTitles.reauthenticate" };

/**
 * Proving again who one is through the provider (before signing a plan, for people without a
 * password): a fresh sign-in there (prompt=login, max_age=0), the same person, then back to
 * `returnTo` (a path on this site) with the session's time of authentication renewed.
 * A link (GET) or a form (POST) may start it.
 */
async function reauthenticate(request: Request, context: LoaderFunctionArgs["context"], returnTo: unknown) {
  const person = await requirePerson(request, context);
  const session = await getSessionProvider(request, context);
  const providerId = getReauthenticationProvider(context, person.id, session?.provider ?? null);
  const provider = providerId ? getProvider(context.signIn, providerId) : null;
  if (!provider) return data({ error: "noProvider" as const, provider: null }, { status: 409 });
  const started = await startFlow(context.signIn, provider, {
    purpose: "reauthenticate",
    returnTo: safeRedirectPath(returnTo),
    personId: person.id,
    uiLocale: await getLocale(request),
  });
  if (!started.ok) return data({ error: started.error, provider: { id: provider.id, name: provider.name } }, { status: 503 });
  return redirect(started.location, { headers: { "Set-Cookie": started.cookie, "Cache-Control": "no-store" } });
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  return reauthenticate(request, context, new URL(request.url).searchParams.get("returnTo"));
}

export async function action({ request, context }: ActionFunctionArgs) {
  return reauthenticate(request, context, (await readFormData(request)).get("returnTo"));
}

export default function ReauthenticateProblem() {
  const fromLoader = useLoaderData<typeof loader>();
  const fromAction = useActionData<typeof action>();
  const result = fromAction ?? fromLoader;
  const provider = useProviderName(result?.provider ?? null);
  return result ? <SignInProblem error={result.error} provider={provider} /> : null;
}
