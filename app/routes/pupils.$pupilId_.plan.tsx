import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { getOrCreatePlan } from "../../db/queries/plans";
import { getActiveTerm } from "../../db/queries/terms";
import { stockholmToday } from "../../db/school-calendar";
import { notFound, requirePerson, requirePupilAccess } from "~/utils/auth.server";

/** This term's plan of a pupil, created from the template the first time anyone opens it. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  const pupilId = params.pupilId ?? "";
  requirePupilAccess(context, person, pupilId);
  const term = getActiveTerm(context.db, person.schoolId, stockholmToday());
  if (!term) throw notFound();
  const plan = getOrCreatePlan(context.db, pupilId, term.id);
  throw redirect(`/plans/${plan.id}`);
}
