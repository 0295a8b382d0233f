import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportPlanJson } from "~/services/plan-export.server";
import { requirePerson } from "~/utils/auth.server";
import { requireOwnPageRequest } from "~/utils/request-origin.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  await requireOwnPageRequest(request, context);
  return exportPlanJson(context, person, params.planId ?? "");
}
