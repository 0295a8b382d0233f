import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TermName } from "~/components/term-name";
import { getAssessmentsPage } from "~/services/assessments.server";
import { requireStaff } from "~/policies/school.server";
import { useLocale } from "~/utils/use-locale";
import type { PageHandle } from "~/utils/page-title";
import { subjectName } from "~/utils/subject-name";

export const handle: PageHandle = { titleKey: "pageTitles.assessments" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, context);
  return getAssessmentsPage(context.db, staff);
}

export default function AssessmentsPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { term, duties } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <h1>{t("assessments.heading")}</h1>
      {term ? (
        <p className="muted">
          <TermName term={term} />
        </p>
      ) : null}
      {duties.length === 0 ? (
        <p className="alert">{t("assessments.noDuties")}</p>
      ) : (
        <section className="card" aria-labelledby="duties-heading">
          <h2 id="duties-heading">{t("assessments.pick")}</h2>
          <ul className="tile-list">
            {duties.map((duty) => (
              <li key={duty.dutyId}>
                <Link className="tile" to={`/assessments/${duty.dutyId}`}>
                  <span className="tile-title">{subjectName({ code: duty.subjectCode, languageCode: duty.subjectLanguageCode, nameSv: duty.subjectSv, nameEn: duty.subjectEn }, locale, t)}</span>
                  <span className="muted">{duty.groupName}</span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
