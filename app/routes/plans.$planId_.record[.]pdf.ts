import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportPlanPdf } from "~/services/plan-export.server";
import { requirePerson } from "~/utils/auth.server";
import { getLocale } from "~/utils/i18n.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  // The labels in the language of the person who exports it.
  return exportPlanPdf(context, person, params.planId ?? "", new URL(request.url).origin, await getLocale(request));
}
