import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TalkDayFields } from "~/components/talk/talk-day-fields";
import { requireStaff } from "~/policies/school.server";
import { getTalkDaysPage } from "~/services/talk-days.server";
import { performNewTalkEvent } from "~/services/talk-intents.server";
import { respond } from "~/utils/action-result.server";
import { readFormData } from "~/utils/forms.server";
import { formatDate } from "~/utils/format";
import { translateError } from "~/utils/errors";
import { useLocale } from "~/utils/use-locale";
import type { PageHandle } from "~/utils/page-title";

export const handle: PageHandle = { titleKey: "pageTitles.talkDays" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, context);
  return getTalkDaysPage(context.db, staff);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireStaff(request, context);
  const result = performNewTalkEvent(context, staff, await readFormData(request));
  if (result.ok && result.eventId) return redirect(`/talk-days/${result.eventId}`);
  return respond(result, "talks");
}

export default function TalkDaysPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { events, groups } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const invalid = (field: string) => (result && !result.ok && result.fieldErrors?.[field] ? true : undefined);
  const errorFor = (field: string) =>
    invalid(field) ? (
      <p className="field-error" id={`${field}-error`}>
        {t(`talks.create.errors.${field as "dates"}`)}
      </p>
    ) : null;

  return (
    <div className="page">
      <h1>{t("talks.days.title")}</h1>
      <p className="lead">{t("talks.days.lead")}</p>

      <section className="card" aria-labelledby="events-heading">
        <h2 id="events-heading">{t("talks.days.planned")}</h2>
        {events.length === 0 ? (
          <p className="muted">{t("talks.days.none")}</p>
        ) : (
          <ul className="tile-list">
            {events.map((event) => (
              <li key={event.id}>
                <Link className="tile" to={`/talk-days/${event.id}`}>
                  <span className="tile-title">
                    {event.firstSitting ? formatDate(event.firstSitting.slice(0, 10), locale) : "–"}
                    {event.lastSitting && event.lastSitting.slice(0, 10) !== event.firstSitting?.slice(0, 10)
                      ? ` – ${formatDate(event.lastSitting.slice(0, 10), locale)}`
                      : ""}
                  </span>
                  <span className="muted">
                    {t("talks.days.summary", { sittings: event.sittingCount, groups: event.groupCount, place: event.place })}
                  </span>
                  <span className={`badge badge-talk-${event.status}`}>{t(`talks.status.${event.status}`)}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      {groups.length > 0 ? (
        <section className="card" aria-labelledby="create-heading">
          <h2 id="create-heading">{t("talks.create.heading")}</h2>
          {result && !result.ok ? (
            <div className="alert alert-error" role="alert">
              <p>{result.error === "validation" ? t("talks.create.fix") : translateError(t, result.message)}</p>
            </div>
          ) : null}
          <Form method="post" className="stack-form">
            <TalkDayFields fieldErrors={result && !result.ok ? result.fieldErrors : undefined} />
            <fieldset>
              <legend>{t("talks.create.groups")}</legend>
              <ul className="plain-list checkbox-list">
                {groups.map((group) => (
                  <li key={group.id}>
                    <label className="checkbox">
                      <input type="checkbox" name="groupIds" value={group.id} />
                      {group.name}
                    </label>
                  </li>
                ))}
              </ul>
              {errorFor("groupIds")}
            </fieldset>
            <button type="submit" className="button-primary" disabled={navigation.state === "submitting"}>
              {navigation.state === "submitting" ? t("talks.create.placing") : t("talks.create.submit")}
            </button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
