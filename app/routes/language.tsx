import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { setPreferredLocale } from "../../db/queries/roster";
import { supportedLocales } from "~/i18n";
import { getPerson, safeRedirectPath } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { localeCookie } from "~/utils/i18n.server";

/** Switches the interface language; a signed-in person's choice is also kept for e-mails. */
export async function action({ request, context }: ActionFunctionArgs) {
  // Here, not at module level: a schema there would ship zod to the browser with the page.
  const LanguageSchema = z.object({
    locale: z.enum(supportedLocales),
    redirectTo: z.string().optional(),
  });
  const parsed = LanguageSchema.safeParse(Object.fromEntries(await readFormData(request)));
  if (!parsed.success) throw new Response("Bad Request", { status: 400 });
  const person = await getPerson(request, context);
  if (person) {
    setPreferredLocale(context.db, person.id, parsed.data.locale);
  }
  return redirect(safeRedirectPath(parsed.data.redirectTo), {
    headers: { "Set-Cookie": await localeCookie.serialize(parsed.data.locale) },
  });
}

export function loader() {
  return redirect("/");
}
