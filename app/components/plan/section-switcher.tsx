import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

export interface SwitcherSection {
  /** The section element's id. */
  anchor: string;
  title: string;
  /** Shown after the title (open threads). */
  extra?: React.ReactNode;
}

/** How far below the top of the window a section counts as the one being read (the bar's height and a little). */
const READING_LINE_PX = 96;

/**
 * The plan's sections as a way to move between them. On a wide screen a list beside the plan; on
 * a phone a bar that stays at the top ("Avsnitt: Matematik") and opens the list. Both say which
 * section is being read (aria-current) and move focus to the section chosen.
 */
export function SectionSwitcher({ sections }: { sections: SwitcherSection[] }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [current, setCurrent] = useState(sections[0]?.anchor ?? "");
  const listId = useId();
  const toggle = useRef<HTMLButtonElement>(null);

  // The section being read: the last one whose top has passed the reading line.
  const anchors = sections.map((s) => s.anchor).join(" ");
  useEffect(() => {
    let frame = 0;
    const list = anchors.split(" ");
    const measure = () => {
      frame = 0;
      let reading = list[0] ?? "";
      for (const anchor of list) {
        const element = document.getElementById(anchor);
        if (element && element.getBoundingClientRect().top <= READING_LINE_PX) reading = anchor;
      }
      setCurrent(reading);
    };
    const onScroll = () => {
      if (!frame) frame = requestAnimationFrame(measure);
    };
    measure();
    window.addEventListener("scroll", onScroll, { passive: true });
    window.addEventListener("hashchange", onScroll);
    return () => {
      window.removeEventListener("scroll", onScroll);
      window.removeEventListener("hashchange", onScroll);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [anchors]);

  // Escape closes the open list and gives focus back to the bar.
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setOpen(false);
      toggle.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);

  const currentTitle = sections.find((s) => s.anchor === current)?.title;
  return (
    <nav aria-labelledby="plan-contents" className={`plan-contents section-switcher${open ? " section-switcher-open" : ""}`}>
      <h2 id="plan-contents">{t("plan.contents")}</h2>
      <button
        ref={toggle}
        type="button"
        className="section-switcher-toggle"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen((o) => !o)}
      >
        <span>{currentTitle ? t("plan.switcher.button", { section: currentTitle }) : t("plan.switcher.label")}</span>
        <span className="section-switcher-chevron" aria-hidden="true">
          ▾
        </span>
      </button>
      <ol id={listId}>
        {sections.map((section) => (
          <li key={section.anchor}>
            <a
              href={`#${section.anchor}`}
              aria-current={section.anchor === current ? "location" : undefined}
              onClick={(event) => {
                const target = document.getElementById(section.anchor);
                if (!target) return;
                event.preventDefault();
                setOpen(false);
                setCurrent(section.anchor);
                history.replaceState(history.state, "", `#${section.anchor}`);
                target.scrollIntoView({ block: "start" });
                // The person's next step is in the section: reading or writing there.
                target.focus({ preventScroll: true });
              }}
            >
              {section.title}
            </a>
            {section.extra}
          </li>
        ))}
      </ol>
    </nav>
  );
}
