import { redirect, redirectDocument, type ActionFunctionArgs } from "@remix-run/node";
import { setLanguage } from "~/services/language.server";
import { getPerson, safeRedirectPath } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { localeCookie, localePickedCookie } from "~/utils/i18n.server";

/**
 * Switches the interface language. A signed-in person's choice is kept on the account (for mails,
 * calendar files and the next device); one made while signed out goes there at sign-in.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const person = await getPerson(request, context);
  const result = setLanguage(context.db, person, await readFormData(request));
  if (!result.ok) throw new Response("Bad Request", { status: 400 });
  const headers = new Headers();
  headers.append("Set-Cookie", await localeCookie.serialize(result.locale));
  if (!person) headers.append("Set-Cookie", await localePickedCookie.serialize(true));
  // A full page load in the new language: the browser holds only one language's texts.
  return redirectDocument(safeRedirectPath(result.redirectTo), { headers });
}

export function loader() {
  return redirect("/");
}
