import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePlan } from "~/policies/plan.server";
import { exportPlanPdf } from "~/services/plan-export.server";

/** The locked version as a PDF (logged as an export, not as a view). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const gate = await requirePlan(request, context, params.planId ?? "", "read", { recordView: false });
  return exportPlanPdf(context, gate, new URL(request.url).origin);
}
