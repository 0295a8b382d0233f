import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

const WARNING_MS = 5 * 60_000;

/**
 * The talk's clock. The server sends how long the talk has run; the browser's own clock counts
 * on from there (so the clock never waits for the network, and a test can move it).
 */
export function TalkClock({ elapsedMs, talkMinutes }: { elapsedMs: number | null; talkMinutes: number }) {
  const { t } = useTranslation();
  const [since, setSince] = useState<{ at: number; offset: number } | null>(null);
  const [, tick] = useState(0);

  useEffect(() => {
    // Counting starts from the moment the loader's figure arrived.
    setSince({ at: Date.now(), offset: 0 });
    if (elapsedMs === null) return;
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [elapsedMs]);

  if (elapsedMs === null) return <p className="talk-clock talk-clock-idle">{t("talks.clock.notStarted", { minutes: talkMinutes })}</p>;

  const running = since ? Date.now() - since.at : 0;
  const remainingMs = talkMinutes * 60_000 - elapsedMs - running;
  const over = remainingMs <= 0;
  const warning = !over && remainingMs <= WARNING_MS;
  const shown = Math.abs(remainingMs);
  const minutes = Math.floor(shown / 60_000);
  const seconds = Math.floor((shown % 60_000) / 1000);
  const time = `${minutes}:${String(seconds).padStart(2, "0")}`;

  return (
    <div className={`talk-clock${warning ? " talk-clock-warning" : ""}${over ? " talk-clock-over" : ""}`}>
      {/* The time itself is not announced every second; the warnings below are. */}
      <p className="talk-clock-time" aria-hidden="true">
        {over ? `+${time}` : time}
      </p>
      <p className="visually-hidden">{t("talks.clock.remainingMinutes", { count: Math.max(0, Math.ceil(remainingMs / 60_000)) })}</p>
      <p className="small">{t("talks.clock.of", { minutes: talkMinutes })}</p>
      <div role="alert" className="talk-clock-alert">
        {warning ? <strong>{t("talks.clock.fiveMinutes")}</strong> : over ? <strong>{t("talks.clock.over")}</strong> : null}
      </div>
    </div>
  );
}
