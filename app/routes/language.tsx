import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { setPreferredLocale } from "../../db/queries/roster";
import { supportedLocales, type Locale } from "~/i18n";
import { getPerson, safeRedirectPath } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { localeCookie, localePickedCookie } from "~/utils/i18n.server";

/**
 * Switches the interface language. A signed-in person's choice is kept on the account (for mails,
 * calendar files and the next device); one made while signed out goes there at sign-in.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  // Here, not at module level: a schema there would ship zod to the browser with the page.
  const LanguageSchema = z.object({
    locale: z.enum(supportedLocales as [Locale, ...Locale[]]),
    redirectTo: z.string().optional(),
  });
  const parsed = LanguageSchema.safeParse(Object.fromEntries(await readFormData(request)));
  if (!parsed.success) throw new Response("Bad Request", { status: 400 });
  const person = await getPerson(request, context);
  if (person) {
    setPreferredLocale(context.db, person.id, parsed.data.locale);
  }
  const headers = new Headers();
  headers.append("Set-Cookie", await localeCookie.serialize(parsed.data.locale));
  if (!person) headers.append("Set-Cookie", await localePickedCookie.serialize(true));
  return redirect(safeRedirectPath(parsed.data.redirectTo), { headers });
}

export function loader() {
  return redirect("/");
}
