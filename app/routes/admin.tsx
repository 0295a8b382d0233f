import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TermName } from "~/components/term-name";
import { requireSchoolAdmin } from "~/policies/school.server";
import { getSchoolAdminPage, performScaleSettings } from "~/services/school-admin.server";
import { respond } from "~/utils/action-result.server";
import { notFound } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { fullName } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";
import type { PageHandle } from "~/utils/page-title";
import { subjectName } from "~/utils/subject-name";

export const handle: PageHandle = { titleKey: "pageTitles.admin" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = await requireSchoolAdmin(request, context);
  const page = getSchoolAdminPage(context.db, admin);
  if (!page) throw notFound();
  return page;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireSchoolAdmin(request, context);
  return respond(performScaleSettings(context.db, admin.schoolId, await readFormData(request)), "assessments.settings");
}

export default function AdminPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { setup, scales } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  return (
    <div className="page">
      <h1>{t("admin.title")}</h1>
      <p className="lead">{t("admin.school", setup.school)}</p>
      <p className="muted">{t("admin.counts", setup.counts)}</p>
      <p className="actions">
        <Link className="button-secondary" to="/talk-days">
          {t("talks.days.title")}
        </Link>
        <Link className="button-secondary" to="/admin/outbox">
          {t("talks.outbox.title")}
        </Link>
        <Link className="button-secondary" to="/admin/accounts">
          {t("accounts.open")}
        </Link>
        <Link className="button-secondary" to="/admin/import">
          {t("import.link")}
        </Link>
      </p>

      <section className="card" aria-labelledby="terms-heading">
        <h2 id="terms-heading">{t("admin.terms")}</h2>
        <ul className="plain-list">
          {setup.terms.map((term) => (
            <li key={term.id}>
              <TermName term={term} />
            </li>
          ))}
        </ul>
      </section>

      <section className="card" aria-labelledby="scales-heading">
        <h2 id="scales-heading">{t("assessments.settings.heading")}</h2>
        <p>{t("assessments.settings.text")}</p>
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value="scales" />
          <label htmlFor="graded-from">{t("assessments.settings.gradedFrom")}</label>{" "}
          <select id="graded-from" name="gradedFromYear" defaultValue={scales.gradedFromYear} aria-describedby="scales-result">
            {[1, 2, 3, 4, 5, 6, 7, 8, 9].map((year) => (
              <option key={year} value={year}>
                {year}
              </option>
            ))}
          </select>{" "}
          <button type="submit" className="button-secondary button-small" disabled={navigation.state === "submitting"}>
            {t("assessments.settings.save")}
          </button>
          <p id="scales-result" role="status" className="small">
            {result ? (result.ok ? t("assessments.settings.saved") : t("assessments.settings.invalid")) : null}
          </p>
        </Form>
      </section>

      <div className="grid-2">
        <section className="card" aria-labelledby="subjects-heading">
          <h2 id="subjects-heading">{t("admin.subjects")}</h2>
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("admin.code")}</th>
                  <th scope="col">{t("pupil.subject")}</th>
                </tr>
              </thead>
              <tbody>
                {setup.subjects.map((s) => (
                  <tr key={`${s.code}-${s.languageCode ?? ""}`}>
                    <td>
                      <code>
                        {s.code}
                        {s.languageCode ? ` (${s.languageCode})` : ""}
                      </code>
                    </td>
                    <td>{subjectName(s, locale, t)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>

        <section className="card" aria-labelledby="staff-heading">
          <h2 id="staff-heading">{t("admin.staff")}</h2>
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("group.name")}</th>
                  <th scope="col">{t("admin.roles")}</th>
                  <th scope="col">{t("admin.account")}</th>
                </tr>
              </thead>
              <tbody>
                {setup.staff.map((s) => (
                  <tr key={s.id}>
                    <td>{fullName(s)}</td>
                    <td>
                      {s.duties.map((duty) => t(`roles.${duty}`)).join(", ")}
                    </td>
                    <td>{s.hasAccount ? t("admin.hasAccount") : t("admin.noAccount")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>

      <section className="card" aria-labelledby="groups-heading">
        <h2 id="groups-heading">{t("admin.groups")}</h2>
        {(["class", "mentor", "teaching"] as const).map((type) => {
          const ofType = setup.groups.filter((g) => g.type === type);
          const table = (
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("group.name")}</th>
                    <th scope="col" className="numeric">
                      {t("group.pupils")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {ofType.map((g) => (
                    <tr key={g.id}>
                      <td>
                        <Link to={`/groups/${g.id}`}>{g.name}</Link>
                      </td>
                      <td className="numeric">{g.pupilCount}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
          const summary = `${t(`group.typesPlural.${type}`)} (${ofType.length})`;
          // Teaching groups are many; they start folded so the page stays scannable.
          return type === "teaching" ? (
            <details key={type} className="group-section">
              <summary>{summary}</summary>
              {table}
            </details>
          ) : (
            <div key={type} className="group-section">
              <h3>{summary}</h3>
              {table}
            </div>
          );
        })}
      </section>
    </div>
  );
}
