import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AssessmentGrid } from "~/components/assessment-grid";
import { TermName } from "~/components/term-name";
import { getAssessmentGridPage, getOpenableDuty, performSaveAssessment } from "~/services/assessments.server";
import { respond } from "~/utils/action-result.server";
import { notFound, requirePerson } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { useLocale } from "~/utils/use-locale";
import type { PageHandle } from "~/utils/page-title";
import { subjectName } from "~/utils/subject-name";

export const handle: PageHandle = { titleKey: "pageTitles.assessments" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  // Only the teacher's own duty in the active term opens a grid; anything else is a 404.
  const duty = getOpenableDuty(context.db, person.id, params.dutyId ?? "");
  if (!duty) throw notFound();
  return getAssessmentGridPage(context.db, duty);
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const person = await requirePerson(request, context);
  const duty = getOpenableDuty(context.db, person.id, params.dutyId ?? "");
  if (!duty) throw notFound();
  return respond(performSaveAssessment(context, person.id, duty, await readFormData(request)), "assessments");
}

// Saving a row must not reload the whole grid under the teacher's fingers.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod?.toUpperCase() === "POST" ? false : defaultShouldRevalidate;

export default function AssessmentGridPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const grid = useLoaderData<typeof loader>();
  const subject = subjectName(grid.subject, locale, t);
  return (
    <div className="page page-wide">
      <nav aria-label={t("nav.breadcrumbs")} className="breadcrumbs small">
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
