import { useTranslation } from "react-i18next";

export interface TalkDayValues {
  dates: string[];
  windowStart: string;
  windowEnd: string;
  sittingMinutes: number;
  talkMinutes: number;
  capacity: number | null;
  place: string;
  videoUrl: string | null;
  phoneNumber: string | null;
}

/**
 * The settings of a talk day: its days, the daily window, sitting and talk lengths, places per
 * sitting, the place, the video link and the number to call. Shared by the form that plans a talk
 * day and the one that corrects it, so both say the same and check the same.
 */
export function TalkDayFields({ values, fieldErrors }: { values?: TalkDayValues; fieldErrors?: Record<string, string[]> }) {
  const { t } = useTranslation();
  const invalid = (field: string) => (fieldErrors?.[field] ? true : undefined);
  const errorFor = (field: string) =>
    invalid(field) ? (
      <p className="field-error" id={`${field}-error`}>
        {t(`talks.create.errors.${field as "dates"}`)}
      </p>
    ) : null;
  // One more day field than there are days (at least three), for a day to add.
  const dayCount = Math.max(3, (values?.dates.length ?? 0) + 1);

  return (
    <>
      <fieldset>
        <legend>{t("talks.create.days")}</legend>
        <div className="field-row">
          {Array.from({ length: dayCount }, (_, i) => (
            <div className="field" key={i}>
              <label htmlFor={`date-${i}`}>{t("talks.create.day", { n: i + 1 })}</label>
              <input id={`date-${i}`} name="dates" type="date" required={i === 0} defaultValue={values?.dates[i] ?? ""} aria-invalid={invalid("dates")} />
            </div>
          ))}
        </div>
        {errorFor("dates")}
      </fieldset>
      <div className="field-row">
        <div className="field">
          <label htmlFor="window-start">{t("talks.create.windowStart")}</label>
          <input id="window-start" name="windowStart" type="time" defaultValue={values?.windowStart ?? "15:00"} required aria-invalid={invalid("windowStart")} />
        </div>
        <div className="field">
          <label htmlFor="window-end">{t("talks.create.windowEnd")}</label>
          <input id="window-end" name="windowEnd" type="time" defaultValue={values?.windowEnd ?? "18:00"} required aria-invalid={invalid("windowEnd")} aria-describedby="windowEnd-error" />
          {errorFor("windowEnd")}
        </div>
        <div className="field">
          <label htmlFor="sitting-minutes">{t("talks.create.sittingMinutes")}</label>
          <input id="sitting-minutes" name="sittingMinutes" type="number" min={15} max={240} defaultValue={values?.sittingMinutes ?? 60} required aria-invalid={invalid("sittingMinutes")} />
          {errorFor("sittingMinutes")}
        </div>
        <div className="field">
          <label htmlFor="talk-minutes">{t("talks.create.talkMinutes")}</label>
          <input
            id="talk-minutes"
            name="talkMinutes"
            type="number"
            min={10}
            max={240}
            defaultValue={values?.talkMinutes ?? 30}
            required
            aria-invalid={invalid("talkMinutes")}
            aria-describedby="talk-minutes-hint talkMinutes-error"
          />
          <p id="talk-minutes-hint" className="small muted">
            {t("talks.create.talkMinutesHint")}
          </p>
          {errorFor("talkMinutes")}
        </div>
        <div className="field">
          <label htmlFor="capacity">{t("talks.create.capacity")}</label>
          <input
            id="capacity"
            name="capacity"
            type="number"
            min={1}
            max={500}
            defaultValue={values ? (values.capacity ?? "") : 24}
            aria-invalid={invalid("capacity")}
            aria-describedby="capacity-hint"
          />
          <p id="capacity-hint" className="small muted">
            {t("talks.create.capacityHint")}
          </p>
        </div>
      </div>
      <div className="field">
        <label htmlFor="place">{t("talks.create.place")}</label>
        <input id="place" name="place" type="text" required maxLength={200} defaultValue={values?.place ?? ""} placeholder={t("talks.create.placeExample")} aria-invalid={invalid("place")} />
        {errorFor("place")}
      </div>
      <div className="field">
        <label htmlFor="video-url">{t("talks.create.videoUrl")}</label>
        <input id="video-url" name="videoUrl" type="url" maxLength={500} defaultValue={values?.videoUrl ?? ""} aria-describedby="video-hint videoUrl-error" aria-invalid={invalid("videoUrl")} />
        <p id="video-hint" className="small muted">
          {t("talks.create.videoHint")}
        </p>
        {errorFor("videoUrl")}
      </div>
      <div className="field">
        <label htmlFor="phone-number">{t("talks.create.phoneNumber")}</label>
        <input
          id="phone-number"
          name="phoneNumber"
          type="tel"
          maxLength={40}
          defaultValue={values?.phoneNumber ?? ""}
          aria-describedby="phone-hint phoneNumber-error"
          aria-invalid={invalid("phoneNumber")}
        />
        <p id="phone-hint" className="small muted">
          {t("talks.create.phoneHint")}
        </p>
        {errorFor("phoneNumber")}
      </div>
    </>
  );
}
