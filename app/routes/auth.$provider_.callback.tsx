import { data, redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { SignInProblem, useProviderName } from "~/components/sign-in-problem";
import { clearFlowCookie, completeFlow, getProvider, type CallbackError } from "~/services/oidc.server";
import { getPerson, notFound, refreshAuthentication, startSession } from "~/utils/auth.server";
import type { PageHandle } from "~/utils/page-title";

export const handle: PageHandle = { titleKey: "pageTitles.login" };

const statusOf: Record<CallbackError, number> = {
  noFlow: 400,
  cancelled: 400,
  rejected: 400,
  providerUnavailable: 502,
  noMatch: 403,
  wrongProvider: 403,
  notFresh: 403,
  otherPerson: 403,
};

/**
 * The provider sends the browser back here. A sign-in starts a session (startSession, like every
 * sign-in); a re-authentication renews the current session's time of authentication. Whatever the
 * outcome, the flow cookie is cleared: a callback URL works once.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const provider = getProvider(context.signIn, params.provider ?? "");
  if (!provider) throw notFound();
  const result = await completeFlow(context.signIn, context.db, provider, request);
  const headers = new Headers({ "Cache-Control": "no-store" });
  headers.append("Set-Cookie", await clearFlowCookie(context.signIn));
  let error: CallbackError;
  if (result.ok) {
    const oidc = { provider: provider.id, idToken: result.idToken };
    if (result.purpose === "sign-in") return startSession(context, request, result.personId, result.returnTo, { method: "provider", oidc, headers });
    // Re-authentication: the session must still be the person who asked for it.
    const person = await getPerson(request, context);
    if (person?.id === result.personId) {
      headers.append("Set-Cookie", await refreshAuthentication(context, request, oidc));
      return redirect(result.returnTo, { headers });
    }
    error = "otherPerson";
  } else {
    error = result.error;
  }
  return data({ error, provider: { id: provider.id, name: provider.name } }, { status: statusOf[error], headers });
}

export default function CallbackProblem() {
  const { error, provider } = useLoaderData<typeof loader>();
  return <SignInProblem error={error} provider={useProviderName(provider)} />;
}
