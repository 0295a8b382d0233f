import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePlan } from "~/policies/plan.server";
import { exportPlanPdf } from "~/services/plan-export.server";
import { requireOwnPageRequest } from "~/utils/request-origin.server";
import { getLocale } from "~/utils/i18n.server";

/** The locked version as a PDF (logged as an export, not as a view); only from our own pages,
 * so another site cannot make a person's browser download it and log it in their name. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const gate = await requirePlan(request, context, params.planId ?? "", "read", { recordView: false });
  await requireOwnPageRequest(request, context);
  // The labels in the language of the person who exports it.
  return exportPlanPdf(context, gate, await getLocale(request));
}
