import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TalkDayFields } from "~/components/talk/talk-day-fields";
import { getCorrectionForm, type CorrectionClash } from "~/services/talk-corrections.server";
import { performTalkDayCorrection } from "~/services/talk-intents.server";
import { respond } from "~/utils/action-result.server";
import { notFound, requirePerson } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { formatTalkTime, fullName } from "~/utils/format";
import type { PageHandle } from "~/utils/page-title";
import { useLocale } from "~/utils/use-locale";

export const handle: PageHandle = { titleKey: "pageTitles.editTalkDays" };

/** Correcting a planned talk day: for those who may change what every family of it gets. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  const form = getCorrectionForm(context.db, person, params.eventId ?? "");
  if (!form) throw notFound();
  return form;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const person = await requirePerson(request, context);
  return respond(performTalkDayCorrection(context, person, params.eventId ?? "", await readFormData(request)), "talks");
}

export default function CorrectTalkDayPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const form = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const failure = result && !result.ok ? result : null;
  const clashes = ((failure?.details as { clashes?: CorrectionClash[] } | undefined)?.clashes ?? []).slice(0, 50);
  // A clash nobody accepted yet may be accepted with a reason; a full sitting may not.
  const overridable = failure && (failure.error === "sibling" || failure.error === "unavailable" || (failure.error === "validation" && failure.fieldErrors?.override));
  const when = (c: CorrectionClash) => (c.startsAt ? t("talks.when", formatTalkTime(c.startsAt, c.endsAt, locale)) : "");

  return (
    <div className="page">
      <nav aria-label={t("nav.breadcrumbs")} className="breadcrumbs small">
        <Link to={`/talk-days/${form.eventId}`}>{t("talks.board.title")}</Link>
      </nav>
      <h1>{t("talks.correct.heading")}</h1>
      <p className="lead">{form.status === "invited" ? t("talks.correct.leadInvited") : t("talks.correct.leadPlanning")}</p>

      {result?.ok ? (
        <div className="alert alert-success" role="status">
          <p>
            {t("talks.correct.saved", { count: result.changed ?? 0 })} {result.sent ? t("talks.correct.told", { count: result.sent }) : null}
          </p>
          <p>
            <Link to={`/talk-days/${form.eventId}`}>{t("talks.correct.back")}</Link>
          </p>
        </div>
      ) : null}
      {failure ? (
        <div className="alert alert-error" role="alert">
          <p>{failure.error === "validation" && !overridable ? t("talks.create.fix") : t(`talks.correct.errors.${failure.error as "capacity"}`, { defaultValue: t("talks.errors.generic") })}</p>
          {clashes.length > 0 ? (
            <ul>
              {clashes.map((c) => (
                <li key={`${c.pupilId}-${c.rule}`}>
                  {c.masked ? t("pupil.protectedMasked") : fullName(c)}: {t(`talks.correct.clash.${c.rule}`)} {when(c)}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      {/* A new key after each save: the fields show what is stored now. */}
      <Form method="post" className="stack-form card" key={JSON.stringify(form)}>
        <input type="hidden" name="intent" value="correct" />
        <TalkDayFields values={form} fieldErrors={failure?.fieldErrors} />
        {overridable ? (
          <div className="field">
            <label htmlFor="override">{t("talks.correct.overrideLabel")}</label>
            <textarea id="override" name="override" required minLength={3} maxLength={500} rows={2} aria-describedby="override-hint" />
            <p id="override-hint" className="small muted">
              {t("talks.board.overrideHint")}
            </p>
          </div>
        ) : null}
        <button type="submit" className="button-primary" disabled={navigation.state !== "idle"}>
          {navigation.state !== "idle" ? t("talks.correct.saving") : overridable ? t("talks.correct.saveAnyway") : t("talks.correct.save")}
        </button>
      </Form>
    </div>
  );
}
