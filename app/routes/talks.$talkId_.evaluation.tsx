import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { answerEvaluation, getEvaluationForm } from "~/services/evaluations.server";
import { EVALUATION_COMMENT_MAX } from "~/shared/evaluation-questions";
import { respond } from "~/utils/action-result.server";
import { notFound, requirePerson } from "~/utils/auth.server";
import { translateError } from "~/utils/errors";
import { readFormData } from "~/utils/forms.server";
import { formatDate, fullName } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";

// No names in the title: titles end up in browser history.
export const meta: MetaFunction = () => [{ title: "Utvärdering · Elevledd IUP" }];

/** The evaluation of one talk, for those the evaluation policy lets answer it (once). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  const form = getEvaluationForm(context.db, person, params.talkId ?? "");
  if (!form) throw notFound();
  return form;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const person = await requirePerson(request, context);
  return respond(answerEvaluation(context.db, person, params.talkId ?? "", await readFormData(request)), "evaluation");
}

export default function EvaluationPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const form = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const commentId = useId();
  const date = formatDate(form.date, locale);
  const done = form.answered || answer?.ok;

  return (
    <div className="page page-narrow">
      <h1>{t("evaluation.title")}</h1>
      <p className="muted">{form.own ? t("evaluation.aboutOwn", { date }) : t("evaluation.about", { pupil: fullName(form.pupil), date })}</p>
      {done ? (
        <section className="card">
          <p role="status">{answer?.ok ? t("evaluation.thanks") : t("evaluation.alreadyAnswered")}</p>
          <Link to="/">{t("evaluation.backHome")}</Link>
        </section>
      ) : (
        <Form method="post" className="card evaluation-form">
          <p className="small">{t("evaluation.anonymous")}</p>
          {form.questions.map((question) => (
            <fieldset key={question.key}>
              <legend>{t(`evaluation.questions.${form.role}.${question.key}` as never)}</legend>
              {question.options.map((option) => (
                <label key={option} className="choice">
                  <input type="radio" name={question.key} value={option} />
                  {t(`evaluation.scale.${option}`)}
                </label>
              ))}
            </fieldset>
          ))}
          <label htmlFor={commentId}>{t("evaluation.commentLabel")}</label>
          <p className="small muted" id={`${commentId}-hint`}>
            {t("evaluation.commentHint")}
          </p>
          <textarea id={commentId} name="comment" rows={4} maxLength={EVALUATION_COMMENT_MAX} aria-describedby={`${commentId}-hint`} />
          <p className="field-error" role="alert">
            {answer && !answer.ok ? translateError(t, answer.error === "validation" ? "evaluation.errors.validation" : answer.message) : null}
          </p>
          <div className="actions">
            <button type="submit" className="button-primary" disabled={navigation.state === "submitting"}>
              {t("evaluation.send")}
            </button>
          </div>
        </Form>
      )}
    </div>
  );
}
