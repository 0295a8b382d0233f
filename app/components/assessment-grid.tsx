import { useFetcher } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { scaleStepName } from "~/utils/subject-name";
import { translateError } from "~/utils/errors";
import { formatTime, fullName } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";

interface ScaleStep {
  key: string;
  shortcut: string;
  sv: string;
  en: string;
}

interface GridPupil {
  id: string;
  givenName: string;
  familyName: string;
  scale: { kind: "grades" | "knowledge"; steps: ScaleStep[] };
  assessment: { level: string | null; written: string; updatedAt: string } | null;
}

type SaveResult = { ok: true; pupilId: string; savedAt: string } | { ok: false; error: string; message: string };

/** How long typing in an omdöme may pause before it is saved. */
const WRITTEN_SAVE_DELAY_MS = 800;

/**
 * One group in one subject: a row per pupil. Made for the keyboard: a single key picks a level
 * (A–F and – for grades, 1–4 for knowledge levels), Enter moves to the next pupil, Tab to the
 * omdöme; every change saves by itself and the row says when it was saved.
 */
export function AssessmentGrid({ pupils, subject }: { pupils: GridPupil[]; subject: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const pickers = useRef(new Map<string, HTMLDivElement>());
  const [assessed, setAssessed] = useState(() => new Set(pupils.filter((p) => p.assessment?.level).map((p) => p.id)));
  const kinds = [...new Set(pupils.map((p) => p.scale.kind))];
  const knowledgeSteps = pupils.find((p) => p.scale.kind === "knowledge")?.scale.steps;

  const focusPicker = (index: number) => {
    const pupil = pupils[index];
    const group = pupil ? pickers.current.get(pupil.id) : undefined;
    group?.querySelector<HTMLButtonElement>('[tabindex="0"]')?.focus();
  };
  const onLevelChange = useCallback((pupilId: string, level: string | null) => {
    setAssessed((current) => {
      const next = new Set(current);
      if (level) next.add(pupilId);
      else next.delete(pupilId);
      return next;
    });
  }, []);

  return (
    <>
      <div className="card grid-help">
        <p>{kinds.includes("grades") ? t("assessments.helpGrades") : t("assessments.helpKnowledge")}</p>
        {knowledgeSteps ? (
          <ul className="scale-legend">
            {knowledgeSteps.map((step) => (
              <li key={step.key}>
                <kbd>{step.shortcut}</kbd> {scaleStepName(step, locale, t)}
              </li>
            ))}
          </ul>
        ) : null}
        <p className="small muted" aria-live="polite">
          {t("assessments.progress", { count: assessed.size, total: pupils.length })}
        </p>
      </div>
      <div className="table-scroll">
        <table className="assessment-grid">
          <caption className="visually-hidden">{t("assessments.caption", { subject })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("assessments.pupil")}</th>
              <th scope="col">{kinds.length === 1 && kinds[0] ? t(`assessments.levelHeading.${kinds[0]}`) : t("assessments.levelHeading.mixed")}</th>
              <th scope="col">{t("assessments.written")}</th>
              <th scope="col">{t("assessments.saved")}</th>
            </tr>
          </thead>
          <tbody>
            {pupils.map((pupil, index) => (
              <AssessmentRow
                key={pupil.id}
                pupil={pupil}
                registerPicker={(element) => {
                  if (element) pickers.current.set(pupil.id, element);
                  else pickers.current.delete(pupil.id);
                }}
                onNext={() => focusPicker(index + 1)}
                onLevelChange={onLevelChange}
              />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function AssessmentRow({
  pupil,
  registerPicker,
  onNext,
  onLevelChange,
}: {
  pupil: GridPupil;
  registerPicker(element: HTMLDivElement | null): void;
  onNext(): void;
  onLevelChange(pupilId: string, level: string | null): void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const fetcher = useFetcher<SaveResult>();
  const [level, setLevel] = useState<string | null>(pupil.assessment?.level ?? null);
  const [written, setWritten] = useState(pupil.assessment?.written ?? "");
  const [savedAt, setSavedAt] = useState<string | null>(pupil.assessment?.updatedAt ?? null);
  const [waiting, setWaiting] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const radios = useRef<Array<HTMLButtonElement | null>>([]);
  const name = fullName(pupil);
  const steps = pupil.scale.steps;

  const save = (nextLevel: string | null, nextWritten: string) => {
    clearTimeout(timer.current);
    setWaiting(false);
    fetcher.submit({ intent: "save", pupilId: pupil.id, level: nextLevel ?? "", written: nextWritten }, { method: "post" });
  };

  useEffect(() => {
    if (fetcher.data?.ok) setSavedAt(fetcher.data.savedAt);
  }, [fetcher.data]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const choose = (key: string | null, focus = true) => {
    setLevel(key);
    onLevelChange(pupil.id, key);
    save(key, written);
    if (focus) {
      const index = Math.max(0, steps.findIndex((s) => s.key === key));
      // The radio becomes the tab stop on the next render; focus it now so keys keep working.
      radios.current[index]?.focus();
    }
  };

  const onPickerKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const current = steps.findIndex((s) => s.key === level);
    const byShortcut = steps.find((s) => s.shortcut === event.key.toLowerCase());
    if (byShortcut) {
      event.preventDefault();
      choose(byShortcut.key);
    } else if (event.key === "ArrowRight" || event.key === "ArrowDown") {
      event.preventDefault();
      choose(steps[(current + 1) % steps.length]!.key);
    } else if (event.key === "ArrowLeft" || event.key === "ArrowUp") {
      event.preventDefault();
      choose(steps[(current - 1 + steps.length) % steps.length]!.key);
    } else if (event.key === "Delete" || event.key === "Backspace") {
      event.preventDefault();
      choose(null);
    } else if (event.key === "Enter") {
      event.preventDefault();
      onNext();
    }
  };

  const tabStop = Math.max(0, steps.findIndex((s) => s.key === level));
  const label = (step: ScaleStep) => scaleStepName(step, locale, t);
  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.message : null;
  const status =
    fetcher.state !== "idle"
      ? t("assessments.saving")
      : error
        ? translateError(t, error)
        : waiting
          ? t("assessments.unsaved")
          : savedAt
            ? t("assessments.savedAt", { time: formatTime(new Date(savedAt), locale) })
            : t("assessments.notSaved");

  return (
    <tr data-pupil={pupil.id}>
      <th scope="row">{name}</th>
      <td>
        <div
          role="radiogroup"
          aria-label={t(`assessments.levelFor.${pupil.scale.kind}`, { name })}
          className={`level-picker level-picker-${pupil.scale.kind}`}
          ref={registerPicker}
          onKeyDown={onPickerKey}
        >
          {steps.map((step, index) => (
            <button
              key={step.key}
              ref={(element) => {
                radios.current[index] = element;
              }}
              type="button"
              role="radio"
              aria-checked={level === step.key}
              aria-label={step.key === "-" ? t("assessments.noBasis") : label(step)}
              title={step.key === "-" ? t("assessments.noBasis") : label(step)}
              tabIndex={index === tabStop ? 0 : -1}
              className="level-option"
              onClick={() => choose(step.key)}
            >
              {pupil.scale.kind === "grades" ? step.sv : step.shortcut}
            </button>
          ))}
        </div>
      </td>
      <td>
        <textarea
          className="written-assessment"
          aria-label={t("assessments.writtenFor", { name })}
          rows={2}
          maxLength={2000}
          value={written}
          onChange={(event) => {
            const value = event.target.value;
            setWritten(value);
            setWaiting(true);
            clearTimeout(timer.current);
            timer.current = setTimeout(() => save(level, value), WRITTEN_SAVE_DELAY_MS);
          }}
          onBlur={() => {
            if (waiting) save(level, written);
          }}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.shiftKey) {
              event.preventDefault();
              if (waiting) save(level, written);
              onNext();
            }
          }}
        />
      </td>
      <td className={`save-state small${error ? " save-error" : ""}`} aria-live="polite">
        {status}
      </td>
    </tr>
  );
}
