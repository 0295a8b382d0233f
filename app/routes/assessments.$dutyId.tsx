import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { getAssessmentGrid, getOwnCurrentDuty, saveAssessment, WRITTEN_ASSESSMENT_MAX } from "../../db/queries/assessments";
import { AssessmentGrid } from "~/components/assessment-grid";
import { TermName } from "~/components/term-name";
import { notFound, requirePerson } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { useLocale } from "~/utils/use-locale";

export const meta: MetaFunction = () => [{ title: "Bedömningar · Elevledd IUP" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  // Only the teacher's own duty in the active term opens a grid; anything else is a 404.
  const duty = getOwnCurrentDuty(context.db, person.id, params.dutyId ?? "");
  if (!duty) throw notFound();
  const grid = getAssessmentGrid(context.db, duty);
  return {
    ...grid,
    pupils: grid.pupils.map((p) => ({
      ...p,
      assessment: p.assessment ? { level: p.assessment.level, written: p.assessment.written, updatedAt: p.assessment.updatedAt.toISOString() } : null,
    })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  // Here, not at module level: a schema there would ship zod to the browser with the page.
  const SaveAssessmentSchema = z.object({
    intent: z.literal("save"),
    pupilId: z.string().min(1).max(64),
    level: z
      .string()
      .max(16)
      .transform((value) => (value === "" ? null : value)),
    written: z.string().max(WRITTEN_ASSESSMENT_MAX, "assessments.errors.tooLong").default(""),
  });
  const person = await requirePerson(request, context);
  const duty = getOwnCurrentDuty(context.db, person.id, params.dutyId ?? "");
  if (!duty) throw notFound();
  const parsed = SaveAssessmentSchema.safeParse(Object.fromEntries(await readFormData(request)));
  if (!parsed.success) return data({ ok: false as const, error: "assessments.errors.invalid" }, { status: 400 });
  const { pupilId, level, written } = parsed.data;
  // The subject is the duty's, never the form's: a teacher assesses only what they teach.
  const result = saveAssessment(context.db, { teacherId: person.id, pupilId, subjectId: duty.subjectId, level, written });
  if (!result.ok) {
    const status = result.error === "forbidden" ? 403 : result.error === "planLocked" ? 409 : 400;
    return data({ ok: false as const, error: `assessments.errors.${result.error}` }, { status });
  }
  if (result.changed && result.planId) context.planEvents.publish(result.planId, "assessment");
  return { ok: true as const, pupilId, savedAt: result.savedAt.toISOString() };
}

// Saving a row must not reload the whole grid under the teacher's fingers.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod?.toUpperCase() === "POST" ? false : defaultShouldRevalidate;

export default function AssessmentGridPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const grid = useLoaderData<typeof loader>();
  const subject = locale === "sv" ? grid.subject.nameSv : grid.subject.nameEn;
  return (
    <div className="page page-wide">
      <nav aria-label="breadcrumbs" className="breadcrumbs small">
        <Link to="/assessments">{t("assessments.heading")}</Link>
      </nav>
      <h1>
        {t("assessments.gridHeading", { subject, group: grid.group.name })}
        <span className="heading-note">
          {" · "}
          <TermName term={grid.term} withDates={false} />
        </span>
      </h1>
      <AssessmentGrid pupils={grid.pupils} subject={subject} />
    </div>
  );
}
