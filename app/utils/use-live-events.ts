import { useMatches, useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";

/** A route that shows a plan says which, so the page's event stream includes that plan. A page
 * whose reader is no person (a guest of a talk) names its own stream. */
export interface LivePlanHandle {
  livePlanId(data: unknown): string | null;
  eventsUrl?(data: unknown): string | null;
}

function isLivePlanHandle(handle: unknown): handle is LivePlanHandle {
  return typeof handle === "object" && handle !== null && typeof (handle as LivePlanHandle).livePlanId === "function";
}

/**
 * Keeps the page's loader data in step with what others do: listens to the one event stream of
 * the page (/events, with the plan the page shows) and reloads the loaders, which decide what this
 * person may see. After a dropped connection it reloads once more, in case something was missed.
 */
export function useLiveEvents(personWantsEvents: boolean): void {
  const matches = useMatches();
  const planId = matches.map((m) => (isLivePlanHandle(m.handle) ? m.handle.livePlanId(m.data) : null)).find((id) => id) ?? null;
  const ownUrl = matches.map((m) => (isLivePlanHandle(m.handle) ? (m.handle.eventsUrl?.(m.data) ?? null) : null)).find((url) => url) ?? null;
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;

  useEffect(() => {
    if (!planId && !personWantsEvents) return;
    const source = new EventSource(ownUrl ?? (planId ? `/events?${new URLSearchParams({ plan: planId })}` : "/events"));
    let timer: ReturnType<typeof setTimeout> | undefined;
    let hadError = false;
    const reload = () => {
      // A burst of saves (a teacher typing an omdöme) becomes one reload.
      clearTimeout(timer);
      timer = setTimeout(() => revalidate.current(), 150);
    };
    source.addEventListener("changed", reload);
    source.addEventListener("open", () => {
      if (hadError) reload();
      hadError = false;
    });
    source.addEventListener("error", () => {
      hadError = true;
    });
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [planId, ownUrl, personWantsEvents]);
}
