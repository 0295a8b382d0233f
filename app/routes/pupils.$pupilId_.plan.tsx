import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requirePupil } from "~/policies/plan.server";
import { openCurrentPlan } from "~/services/roster.server";
import { notFound } from "~/utils/auth.server";

/** This term's plan of a pupil, made from the template the first time anyone opens it. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const gate = await requirePupil(request, context, params.pupilId ?? "");
  const plan = openCurrentPlan(context.db, gate);
  if (!plan) throw notFound();
  throw redirect(`/plans/${plan.id}`);
}
