import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePlan } from "~/policies/plan.server";
import { exportPlanJson } from "~/services/plan-export.server";
import { requireOwnPageRequest } from "~/utils/request-origin.server";

/** The locked version as signed JSON (logged as an export, not as a view); only from our own pages,
 * so another site cannot make a person's browser download it and log it in their name. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const gate = await requirePlan(request, context, params.planId ?? "", "read", { recordView: false });
  await requireOwnPageRequest(request, context);
  return exportPlanJson(context, gate);
}
