import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { providerSignOutUrl } from "~/services/oidc.server";
import { endSession, getSessionProvider } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";

/** Ends our session and, when the person came through a provider that offers it, the provider's
 * too (the browser goes there and comes back to the sign-in page). */
export async function action({ request, context }: ActionFunctionArgs) {
  // The sign-out button posts an empty form; anything else is refused like on every other form.
  await readFormData(request);
  const fromProvider = await getSessionProvider(request, context);
  const providerSignOut = fromProvider ? await providerSignOutUrl(context.signIn, fromProvider) : null;
  return endSession(context, request, providerSignOut ?? "/login");
}

/** Signing out is a POST (a link could be triggered by a prefetch or another site). */
export function loader() {
  return redirect("/");
}
