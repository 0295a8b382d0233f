import { useEffect, useRef, useState, type ReactNode } from "react";

/** Editors made at once when the plan opens; the rest follow in idle time or when scrolled near. */
const FIRST_EDITORS = 3;
const EDITORS_PER_IDLE = 2;

function whenIdle(callback: () => void): () => void {
  if (typeof window.requestIdleCallback === "function") {
    const handle = window.requestIdleCallback(callback, { timeout: 200 });
    return () => window.cancelIdleCallback(handle);
  }
  const handle = window.setTimeout(callback, 16);
  return () => window.clearTimeout(handle);
}

/**
 * How many of a plan's editors may exist by now. A plan has twenty-odd sections, each its own
 * editor; making them all before the first one can be used kept the page from being ready for
 * hundreds of milliseconds. The first few come at once, the rest a couple per idle moment.
 */
export function useEditorBudget(total: number): number {
  const [budget, setBudget] = useState(FIRST_EDITORS);
  useEffect(() => {
    if (budget >= total) return;
    return whenIdle(() => setBudget((current) => current + EDITORS_PER_IDLE));
  }, [budget, total]);
  return budget;
}

/** Shows `children` once the budget allows or as soon as the place comes near the screen (a
 * reader jumping to a section never waits for the queue). */
export function MountWhenNeeded({ allowed, fallback, children }: { allowed: boolean; fallback: ReactNode; children: ReactNode }) {
  const [near, setNear] = useState(false);
  const place = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (allowed || near || !place.current) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) setNear(true);
    }, { rootMargin: "400px 0px" });
    observer.observe(place.current);
    return () => observer.disconnect();
  }, [allowed, near]);
  if (allowed || near) return <>{children}</>;
  return (
    <div ref={place} className="section-pending">
      {fallback}
    </div>
  );
}
