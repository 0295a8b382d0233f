import { data, redirect, type ActionFunctionArgs } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { SignInProblem, useProviderName } from "~/components/sign-in-problem";
import { getProvider, startFlow } from "~/services/oidc.server";
import { notFound, safeRedirectPath } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { getLocale } from "~/utils/i18n.server";
import type { PageHandle } from "~/utils/page-title";

export const handle: PageHandle = { titleKey: "pageTitles.login" };

/** Sends the browser to the provider to sign in (the buttons on the sign-in page post here). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const provider = getProvider(context.signIn, params.provider ?? "");
  if (!provider) throw notFound();
  const form = await readFormData(request);
  const started = await startFlow(context.signIn, provider, {
    purpose: "sign-in",
    returnTo: safeRedirectPath(form.get("redirectTo")),
    uiLocale: await getLocale(request),
  });
  if (!started.ok) {
    return data({ error: started.error, provider: { id: provider.id, name: provider.name } }, { status: 503 });
  }
  return redirect(started.location, { headers: { "Set-Cookie": started.cookie, "Cache-Control": "no-store" } });
}

/** Starting a sign-in is a POST from the sign-in page. */
export function loader() {
  return redirect("/login");
}

export default function StartSignInProblem() {
  const result = useActionData<typeof action>();
  const provider = useProviderName(result?.provider ?? null);
  return result ? <SignInProblem error={result.error} provider={provider} /> : null;
}
