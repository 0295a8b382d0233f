import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getEvaluationResults } from "~/services/evaluations.server";
import { notFound, requirePerson } from "~/utils/auth.server";
import { formatDate } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";

export const meta: MetaFunction = () => [{ title: "Utvärdering · Elevledd IUP" }];

/** A talk day's evaluation: counts per answer and the free texts, per role, for its staff. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  const results = getEvaluationResults(context.db, person, params.eventId ?? "");
  if (!results) throw notFound();
  return results;
}

export default function EvaluationResultsPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const results = useLoaderData<typeof loader>();

  return (
    <div className="page evaluation-results">
      <nav aria-label="breadcrumbs" className="breadcrumbs small">
        <Link to={`/talk-days/${results.eventId}`}>{t("evaluation.results.back")}</Link>
      </nav>
      <h1>{t("evaluation.results.title")}</h1>
      <p className="muted">{results.days.map((day) => formatDate(day, locale)).join(", ")}</p>
      <p>{t("evaluation.results.intro", { min: results.minAnswers })}</p>
      <p>
        {/* A plain link: the download is a GET our own page starts (checked by the route). */}
        <a href={`/talk-days/${results.eventId}/evaluation.csv`} download>
          {t("evaluation.results.csv")}
        </a>
      </p>
      {results.roles.map((role) => {
        const headingId = `results-${role.role}`;
        return (
          <section key={role.role} className="card" aria-labelledby={headingId}>
            <h2 id={headingId}>{t(`evaluation.results.roles.${role.role}`)}</h2>
            <p className="muted">{t("evaluation.results.answers", { count: role.count })}</p>
            {role.shown ? (
              <>
                {role.questions.map((question) => (
                  <div key={question.key} className="table-scroll">
                    <table>
                      <caption>{t(`evaluation.questions.${role.role}.${question.key}` as never)}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t("evaluation.results.answer")}</th>
                          <th scope="col" className="numeric">
                            {t("evaluation.results.count")}
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {question.counts.map(({ option, count }) => (
                          <tr key={option}>
                            <th scope="row">{t(`evaluation.scale.${option}`)}</th>
                            <td className="numeric">{count}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                ))}
                <h3>{t("evaluation.results.comments")}</h3>
                {role.comments.length > 0 ? (
                  <ul className="plain-list evaluation-comments">
                    {role.comments.map((comment, index) => (
                      <li key={index}>{comment}</li>
                    ))}
                  </ul>
                ) : (
                  <p className="muted">{t("evaluation.results.noComments")}</p>
                )}
              </>
            ) : role.count > 0 ? (
              <p className="alert alert-info">{t("evaluation.results.tooFew", { min: results.minAnswers })}</p>
            ) : null}
          </section>
        );
      })}
    </div>
  );
}
