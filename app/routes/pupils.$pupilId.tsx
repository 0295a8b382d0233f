import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TermName } from "~/components/term-name";
import { requirePupil } from "~/policies/plan.server";
import { getPupilPage } from "~/services/roster.server";
import { notFound } from "~/utils/auth.server";
import { fullName } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";
import type { PageHandle } from "~/utils/page-title";
import { subjectName } from "~/utils/subject-name";

// The pupil's name is deliberately not in the title: titles end up in browser history and shared screens.
export const handle: PageHandle = { titleKey: "pageTitles.pupil" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const gate = await requirePupil(request, context, params.pupilId ?? "");
  const page = getPupilPage(context.db, gate);
  if (!page) throw notFound();
  return page;
}

export default function PupilPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { profile, showsProtection } = useLoaderData<typeof loader>();

  return (
    <div className="page">
      <h1>{fullName(profile)}</h1>
      <p className="muted">
        {profile.className
          ? t("pupil.classAndYear", { className: profile.className, year: profile.schoolYear })
          : t("pupil.noClass")}
      </p>
      {profile.term ? (
        <p>
          <Link className="button-primary" to={`/pupils/${profile.id}/plan`}>
            {t("plan.open")}
          </Link>
        </p>
      ) : (
        <p className="muted">{t("plan.noTerm")}</p>
      )}
      {showsProtection && profile.protectedIdentity ? (
        <p className="alert alert-warning">
          <strong>{t("pupil.protectedIdentity")}.</strong> {t("pupil.protectedIdentityHelp")}
        </p>
      ) : null}

      <div className="grid-2">
        <section className="card" aria-labelledby="mentors-heading">
          <h2 id="mentors-heading">{t("pupil.mentors")}</h2>
          <ul className="plain-list">
            {profile.mentors.map((m) => (
              <li key={m.id}>{fullName(m)}</li>
            ))}
          </ul>
        </section>
        {profile.guardians ? (
          <section className="card" aria-labelledby="guardians-heading">
            <h2 id="guardians-heading">{t("pupil.guardians")}</h2>
            <ul className="plain-list">
              {profile.guardians.map((g) => (
                <li key={g.id}>{fullName(g)}</li>
              ))}
            </ul>
          </section>
        ) : null}
      </div>

      <section className="card" aria-labelledby="subjects-heading">
        <h2 id="subjects-heading">
          {t("pupil.subjects")}
          {profile.term ? (
            <span className="heading-note">
              {" – "}
              <TermName term={profile.term} withDates={false} />
            </span>
          ) : null}
        </h2>
        {profile.subjects.length === 0 ? (
          <p>{t("pupil.noSubjects")}</p>
        ) : (
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("pupil.subject")}</th>
                  <th scope="col">{t("pupil.teachers")}</th>
                </tr>
              </thead>
              <tbody>
                {profile.subjects.map((s) => (
                  <tr key={s.id}>
                    <td>{subjectName(s, locale, t)}</td>
                    <td>{s.teachers.map(fullName).join(", ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
