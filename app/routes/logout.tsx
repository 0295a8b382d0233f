import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { endSession } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";

export async function action({ request, context }: ActionFunctionArgs) {
  // The sign-out button posts an empty form; anything else is refused like on every other form.
  await readFormData(request);
  return endSession(context, request);
}

/** Signing out is a POST (a link could be triggered by a prefetch or another site). */
export function loader() {
  return redirect("/");
}
