import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";

/**
 * Keeps the page's loader data in step with assessments and comments others save: listens to the
 * plan's server-sent events and reloads the loader (which decides what this person may see).
 * After a dropped connection it reloads once more, in case something was missed meanwhile.
 */
export function usePlanEvents(planId: string): void {
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;

  useEffect(() => {
    const source = new EventSource(`/plans/${planId}/events`);
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
  }, [planId]);
}
