import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
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

const dayFields = [0, 1, 2];

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
            <fieldset>
              <legend>{t("talks.create.days")}</legend>
              <div className="field-row">
                {dayFields.map((i) => (
                  <div className="field" key={i}>
                    <label htmlFor={`date-${i}`}>{t("talks.create.day", { n: i + 1 })}</label>
                    <input id={`date-${i}`} name="dates" type="date" required={i === 0} aria-invalid={invalid("dates")} />
                  </div>
                ))}
              </div>
              {errorFor("dates")}
            </fieldset>
            <div className="field-row">
              <div className="field">
                <label htmlFor="window-start">{t("talks.create.windowStart")}</label>
                <input id="window-start" name="windowStart" type="time" defaultValue="15:00" required aria-invalid={invalid("windowStart")} />
              </div>
              <div className="field">
                <label htmlFor="window-end">{t("talks.create.windowEnd")}</label>
                <input id="window-end" name="windowEnd" type="time" defaultValue="18:00" required aria-invalid={invalid("windowEnd")} aria-describedby="windowEnd-error" />
                {errorFor("windowEnd")}
              </div>
              <div className="field">
                <label htmlFor="sitting-minutes">{t("talks.create.sittingMinutes")}</label>
                <input id="sitting-minutes" name="sittingMinutes" type="number" min={15} max={240} defaultValue={60} required aria-invalid={invalid("sittingMinutes")} />
              </div>
              <div className="field">
                <label htmlFor="talk-minutes">{t("talks.create.talkMinutes")}</label>
                <input id="talk-minutes" name="talkMinutes" type="number" min={10} max={240} defaultValue={30} required aria-invalid={invalid("talkMinutes")} aria-describedby="talkMinutes-error" />
                {errorFor("talkMinutes")}
              </div>
              <div className="field">
                <label htmlFor="capacity">{t("talks.create.capacity")}</label>
                <input id="capacity" name="capacity" type="number" min={1} max={500} defaultValue={24} aria-invalid={invalid("capacity")} aria-describedby="capacity-hint" />
                <p id="capacity-hint" className="small muted">
                  {t("talks.create.capacityHint")}
                </p>
              </div>
            </div>
            <div className="field">
              <label htmlFor="place">{t("talks.create.place")}</label>
              <input id="place" name="place" type="text" required maxLength={200} placeholder={t("talks.create.placeExample")} aria-invalid={invalid("place")} />
              {errorFor("place")}
            </div>
            <div className="field">
              <label htmlFor="video-url">{t("talks.create.videoUrl")}</label>
              <input id="video-url" name="videoUrl" type="url" maxLength={500} aria-describedby="video-hint videoUrl-error" aria-invalid={invalid("videoUrl")} />
              <p id="video-hint" className="small muted">
                {t("talks.create.videoHint")}
              </p>
              {errorFor("videoUrl")}
            </div>
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
