import { Link, useFetcher } from "@remix-run/react";
import { useRef, useState } from "react";
import { useFocusOnAnswer } from "~/utils/focus";
import { useTranslation } from "react-i18next";
import type { GuardianTalk } from "~/services/talk-days.server";
import { formatTalkTime, formatTimeRange, formatWeekdayDate, fullName } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";

type Result = { ok: true; intent: string } | { ok: false; error: string };

/** One child's talk for a guardian: the time, confirming it or choosing another sitting with room,
 * in the room or remotely, and an interpreter. While staff still plan: times one cannot come. */
export function GuardianTalkCard({ talk, answered }: { talk: GuardianTalk; answered?: Result }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const fetcher = useFetcher<Result>();
  const result = fetcher.data ?? answered;
  const [interpreter, setInterpreter] = useState(talk.reply.interpreterLanguage !== null);
  const headingId = `talk-${talk.talkId}-heading`;
  const when = (s: { startsAt: string; endsAt: string }) => t("talks.when", formatTalkTime(s.startsAt, s.endsAt, locale));
  const error = result && !result.ok ? result.error : null;
  // After confirming, focus goes to the answer (saved, or why not): the person's next thing to read.
  const answerRef = useRef<HTMLParagraphElement>(null);
  useFocusOnAnswer(answerRef, fetcher.state === "idle" ? (fetcher.data ?? null) : null);

  if (talk.planning) return <PlanningCard talk={talk} headingId={headingId} answered={answered} />;

  return (
    <article className="card talk-card" aria-labelledby={headingId}>
      <h3 id={headingId}>{t("talks.guardian.childTalk", { name: fullName(talk.pupil) })}</h3>
      <p className="lead">
        {when(talk)} · {talk.place}
      </p>
      <p className="small muted">{t("talks.guardian.length", { minutes: talk.talkMinutes })}</p>
      <p role="status" className={talk.reply.confirmed ? "badge badge-status-signed" : "badge"}>
        {talk.reply.confirmed
          ? t("talks.guardian.confirmedAs", { attendance: t(`talks.attendance.${talk.reply.attendance ?? "room"}`) })
          : t("talks.guardian.notConfirmed")}
      </p>
      {talk.videoUrl ? (
        <p>
          <a href={talk.videoUrl} target="_blank" rel="noreferrer">
            {t("talks.view.videoLink")}
          </a>{" "}
          <span className="small muted">{t("talks.guardian.videoHint")}</span>
        </p>
      ) : null}
      <fetcher.Form method="post" action="/?index" className="stack-form">
        <input type="hidden" name="intent" value="confirm" />
        <input type="hidden" name="talkId" value={talk.talkId} />
        {talk.alternatives.length > 0 ? (
          <div className="field">
            <label htmlFor={`sitting-${talk.talkId}`}>{t("talks.guardian.time")}</label>
            <select id={`sitting-${talk.talkId}`} name="sittingId" defaultValue="">
              <option value="">{t("talks.guardian.keepTime", { time: when(talk) })}</option>
              {talk.alternatives.map((s) => (
                <option key={s.id} value={s.id}>
                  {when(s)}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <fieldset>
          <legend>{t("talks.guardian.how")}</legend>
          <label className="radio">
            <input type="radio" name="attendance" value="room" defaultChecked={talk.reply.attendance !== "remote"} />
            {t("talks.attendance.room")}
          </label>
          <label className="radio">
            <input type="radio" name="attendance" value="remote" defaultChecked={talk.reply.attendance === "remote"} />
            {t("talks.attendance.remote")}
          </label>
          {talk.phoneNumber ? (
            <>
              <label className="radio">
                <input type="radio" name="attendance" value="phone" defaultChecked={talk.reply.attendance === "phone"} aria-describedby={`phone-${talk.talkId}`} />
                {t("talks.attendance.phone")}
              </label>
              <p id={`phone-${talk.talkId}`} className="small muted">
                {t("talks.guardian.phoneHint", { number: talk.phoneNumber })}
              </p>
            </>
          ) : null}
        </fieldset>
        <label className="checkbox">
          <input type="checkbox" name="interpreter" checked={interpreter} onChange={(e) => setInterpreter(e.target.checked)} />
          {t("talks.guardian.interpreter")}
        </label>
        {interpreter ? (
          <div className="field">
            <label htmlFor={`language-${talk.talkId}`}>{t("talks.guardian.language")}</label>
            <input id={`language-${talk.talkId}`} name="interpreterLanguage" type="text" maxLength={40} defaultValue={talk.reply.interpreterLanguage ?? ""} required autoComplete="off" />
          </div>
        ) : null}
        <button type="submit" className="button-primary" disabled={fetcher.state !== "idle"}>
          {fetcher.state !== "idle" ? t("talks.guardian.saving") : t("talks.guardian.confirm")}
        </button>
        <p className="small talk-card-answer" role="status" ref={answerRef} tabIndex={-1}>
          {error ? t(`talks.errors.${error as "capacity"}`, { defaultValue: t("talks.errors.generic") }) : result?.ok ? t("talks.guardian.saved") : null}
        </p>
      </fetcher.Form>
      <p>
        <Link to={`/talks/${talk.talkId}`}>{t("talks.guardian.openTalk")}</Link>
      </p>
    </article>
  );
}

function PlanningCard({ talk, headingId, answered }: { talk: GuardianTalk; headingId: string; answered?: Result }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const fetcher = useFetcher<Result>();
  const result = fetcher.data ?? answered;
  const error = result && !result.ok ? result.error : null;
  const answerRef = useRef<HTMLParagraphElement>(null);
  useFocusOnAnswer(answerRef, fetcher.state === "idle" && error ? fetcher.data : null);
  return (
    <article className="card talk-card" aria-labelledby={headingId}>
      <h3 id={headingId}>{t("talks.guardian.childTalk", { name: fullName(talk.pupil) })}</h3>
      <p>{t("talks.guardian.planning")}</p>
      <ul className="plain-list">
        {talk.days.map((d) => (
          <li key={d.date}>
            {t("talks.when", { date: formatWeekdayDate(d.date, locale), range: formatTimeRange(d.from, d.to, locale) })}
          </li>
        ))}
      </ul>
      {talk.unavailable.length > 0 ? (
        <>
          <p className="small">{t("talks.guardian.unavailableSaved")}</p>
          <ul className="plain-list small">
            {talk.unavailable.map((u) => (
              <li key={u.id}>
                {t("talks.when", formatTalkTime(u.startsAt, u.endsAt, locale))}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <fetcher.Form method="post" action="/?index" className="stack-form">
        <input type="hidden" name="intent" value="unavailable" />
        <input type="hidden" name="talkId" value={talk.talkId} />
        <fieldset>
          <legend>{t("talks.guardian.cannotCome")}</legend>
          <div className="field-row">
            <div className="field">
              <label htmlFor={`u-date-${talk.talkId}`}>{t("talks.board.bookDate")}</label>
              <select id={`u-date-${talk.talkId}`} name="date">
                {talk.days.map((d) => (
                  <option key={d.date} value={d.date}>
                    {formatWeekdayDate(d.date, locale)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`u-from-${talk.talkId}`}>{t("talks.board.bookFrom")}</label>
              <input id={`u-from-${talk.talkId}`} name="from" type="time" required defaultValue={talk.days[0]?.from} />
            </div>
            <div className="field">
              <label htmlFor={`u-to-${talk.talkId}`}>{t("talks.board.bookTo")}</label>
              <input id={`u-to-${talk.talkId}`} name="to" type="time" required defaultValue={talk.days[0]?.to} />
            </div>
          </div>
        </fieldset>
        <button type="submit" className="button-secondary" disabled={fetcher.state !== "idle"}>
          {t("talks.guardian.saveUnavailable")}
        </button>
        <p className="small talk-card-answer" role="status" ref={answerRef} tabIndex={-1}>
          {error ? t(`talks.errors.${error as "invalidTime"}`, { defaultValue: t("talks.errors.generic") }) : null}
        </p>
      </fetcher.Form>
    </article>
  );
}
