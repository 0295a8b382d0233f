import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

const WARNING_MS = 5 * 60_000;

/**
 * The talk's clock. The server sends how long the talk has run; the browser's own clock counts
 * on from there (so the clock never waits for the network, and a test can move it). Later loads
 * of the same talk (every live event reloads the page's data) do not set it again: each would
 * move it back by that response's travel time. Only a new start (`startedAtMs`) does, or the stop
 * at the lock (`stopped`): from then on the clock stands at the time the talk took.
 */
export function TalkClock({
  elapsedMs,
  startedAtMs,
  stopped,
  talkMinutes,
  pupilName,
}: {
  elapsedMs: number | null;
  startedAtMs: number | null;
  stopped: boolean;
  talkMinutes: number;
  /** On a board of several talks: whose talk, said with its warnings (each clock has its own). */
  pupilName?: string;
}) {
  const { t } = useTranslation();
  const [since, setSince] = useState<{ at: number; elapsedMs: number } | null>(null);
  const [, tick] = useState(0);

  useEffect(() => {
    if (elapsedMs === null || stopped) return setSince(null);
    // Counting starts from the moment the first figure of this start arrived; elapsedMs is read
    // once per start on purpose.
    setSince({ at: Date.now(), elapsedMs });
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [startedAtMs, stopped]);

  if (elapsedMs === null) {
    return <p className="talk-clock talk-clock-idle">{stopped ? t("talks.clock.neverStarted") : t("talks.clock.notStarted", { minutes: talkMinutes })}</p>;
  }
  if (stopped) {
    const minutes = Math.max(1, Math.round(elapsedMs / 60_000));
    return (
      <div className="talk-clock talk-clock-stopped">
        <p className="talk-clock-time">{t("talks.clock.took", { count: minutes })}</p>
        <p className="small">{t("talks.clock.stopped")}</p>
      </div>
    );
  }

  const remainingMs = since ? talkMinutes * 60_000 - since.elapsedMs - (Date.now() - since.at) : talkMinutes * 60_000 - elapsedMs;
  const over = remainingMs <= 0;
  const warning = !over && remainingMs <= WARNING_MS;
  const shown = Math.abs(remainingMs);
  const minutes = Math.floor(shown / 60_000);
  const seconds = Math.floor((shown % 60_000) / 1000);
  const time = `${minutes}:${String(seconds).padStart(2, "0")}`;

  return (
    <div className={`talk-clock${warning ? " talk-clock-warning" : ""}${over ? " talk-clock-over" : ""}`}>
      {/* The ticking time is in no live region (it would be read out every second); the warnings below are. */}
      <p className="talk-clock-time" aria-hidden="true">
        {over ? `+${time}` : time}
      </p>
      <p className="visually-hidden">{t("talks.clock.remainingMinutes", { count: Math.max(0, Math.ceil(remainingMs / 60_000)) })}</p>
      <p className="small">{t("talks.clock.of", { minutes: talkMinutes })}</p>
      {/* Always in the page, so a screen reader hears the warning when it appears — once: its text
          changes only when the warning starts and when the time is up, never with the ticking. */}
      <div role="status" aria-live="polite" aria-atomic="true" className="talk-clock-alert">
        {warning ? (
          <strong>{pupilName ? t("talks.clock.fiveMinutesFor", { name: pupilName }) : t("talks.clock.fiveMinutes")}</strong>
        ) : over ? (
          <strong>{pupilName ? t("talks.clock.overFor", { name: pupilName }) : t("talks.clock.over")}</strong>
        ) : null}
      </div>
    </div>
  );
}
