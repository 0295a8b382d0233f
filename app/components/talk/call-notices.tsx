import { Link, useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TeacherCall } from "~/services/talk-live.server";
import { formatTalkTime, formatTime, fullName } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";
import { subjectName } from "~/utils/subject-name";

type Call = TeacherCall;

/** A short two-tone chime, where the browser allows sound (it may refuse before any click). */
function chime() {
  try {
    const audio = new AudioContext();
    [880, 660].forEach((frequency, i) => {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.15, audio.currentTime + i * 0.25);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + i * 0.25 + 0.22);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(audio.currentTime + i * 0.25);
      oscillator.stop(audio.currentTime + i * 0.25 + 0.25);
    });
    setTimeout(() => void audio.close(), 1000);
  } catch {
    // No sound; the notice is there regardless.
  }
}

/**
 * Pupils calling this teacher, shown on every page with "Jag kommer". A new call is announced once
 * through a live region that is always in the page (one that appears with its text is often not
 * heard); the list itself is no live region, so it is not read again on every reload of the data.
 */
export function CallNotices({ calls }: { calls: Call[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const known = useRef<Set<string> | null>(null);
  const [announcement, setAnnouncement] = useState("");

  useEffect(() => {
    const open = calls.filter((c) => !c.acknowledged);
    // No chime and no announcement for calls already there when the page was opened.
    const fresh = known.current ? open.filter((c) => !known.current!.has(c.id)) : [];
    known.current = new Set(open.map((c) => c.id));
    if (fresh.length === 0) return;
    chime();
    setAnnouncement(fresh.map((c) => t("talks.call.notice", { name: fullName(c.pupil), subject: subjectName(c.subject, locale, t) })).join(". "));
  }, [calls, t, locale]);

  return (
    <>
      {/* A live region without role="status": the page's own status messages stay the only ones. */}
      <div aria-live="polite" className="visually-hidden">
        {announcement}
      </div>
      {calls.length > 0 ? (
        <section className="call-notices" aria-labelledby="call-notices-heading">
          <h2 id="call-notices-heading" className="visually-hidden">
            {t("talks.call.noticesHeading")}
          </h2>
          <ul>
            {calls.map((call) => (
              <CallNotice key={call.id} call={call} />
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

function CallNotice({ call }: { call: Call }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const fetcher = useFetcher();
  const subject = subjectName(call.subject, locale, t);
  const acknowledged = call.acknowledged || fetcher.state !== "idle";
  return (
    <li className={`call-notice${acknowledged ? " call-notice-done" : ""}`}>
      <p>
        <strong>{t("talks.call.notice", { name: fullName(call.pupil), subject })}</strong>{" "}
        <span className="small">({formatTime(new Date(call.calledAt), locale)})</span>
      </p>
      <p className="small">
        {t("talks.when", formatTalkTime(call.startsAt, call.endsAt, locale))} · {call.place}
        {call.videoUrl ? (
          <>
            {" · "}
            <a href={call.videoUrl} target="_blank" rel="noreferrer">
              {t("talks.view.videoLink")}
            </a>
          </>
        ) : null}
      </p>
      <Link to={`/talks/${call.talkId}`} className="small">
        {t("talks.guardian.openTalk")}
      </Link>
      {acknowledged ? (
        <p className="small">{t("talks.call.youAreComing")}</p>
      ) : (
        <fetcher.Form method="post" action={`/calls/${call.id}`}>
          <input type="hidden" name="intent" value="acknowledge" />
          <button type="submit" className="button-primary">
            {t("talks.call.acknowledge")}
          </button>
        </fetcher.Form>
      )}
    </li>
  );
}
