import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { setLanguage } from "~/services/language.server";
import { getPerson, safeRedirectPath } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { localeCookie } from "~/utils/i18n.server";

/** Switches the interface language; a signed-in person's choice is also kept for e-mails. */
export async function action({ request, context }: ActionFunctionArgs) {
  const person = await getPerson(request, context);
  const result = setLanguage(context.db, person, await readFormData(request));
  if (!result.ok) throw new Response("Bad Request", { status: 400 });
  return redirect(safeRedirectPath(result.redirectTo), {
    headers: { "Set-Cookie": await localeCookie.serialize(result.locale) },
  });
}

export function loader() {
  return redirect("/");
}
