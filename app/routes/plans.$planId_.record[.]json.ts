import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePlan } from "~/policies/plan.server";
import { exportPlanJson } from "~/services/plan-export.server";

/** The locked version as signed JSON (logged as an export, not as a view). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const gate = await requirePlan(request, context, params.planId ?? "", "read", { recordView: false });
  return exportPlanJson(context, gate);
}
