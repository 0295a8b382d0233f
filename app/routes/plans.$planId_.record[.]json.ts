import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportPlanJson } from "~/services/plan-export.server";
import { requirePerson } from "~/utils/auth.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  return exportPlanJson(context, person, params.planId ?? "");
}
