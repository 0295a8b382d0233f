import { useFetchers, useMatches, useNavigation, useRevalidator } from "@remix-run/react";
import { createContext, useContext, useEffect, useRef } from "react";
import { createReloadScheduler, type ReloadScheduler } from "./reload-scheduler";

/** A route that shows a plan says which, and how many of its changes its data has seen, so the
 * page's event stream includes that plan and can tell when the data missed one. A page whose reader
 * is no person (a guest of a talk) names its own stream. */
export interface LivePlanHandle {
  livePlan(data: unknown): { id: string; seq: number } | null;
  eventsUrl?(data: unknown): string | null;
}

function isLivePlanHandle(handle: unknown): handle is LivePlanHandle {
  return typeof handle === "object" && handle !== null && typeof (handle as LivePlanHandle).livePlan === "function";
}

/**
 * Keeps the page's loader data in step with what others do: listens to the one event stream of
 * the page (/events, with the plan the page shows) and reloads the loaders, which decide what this
 * person may see. The stream opens (and reopens after a dropped connection) with "hello": how many
 * changes the person and the plan have had. When that differs from what the page's data was loaded
 * at, a change happened before the stream was listening, and the page reloads once. Returns how
 * the page's parts ask for a reload themselves (given to them as PageDataReload).
 */
export function useLiveEvents(personWantsEvents: boolean, personSeq: number): () => void {
  const matches = useMatches();
  const plan = matches.map((m) => (isLivePlanHandle(m.handle) ? m.handle.livePlan(m.data) : null)).find((p) => p) ?? null;
  const planId = plan?.id ?? null;
  const ownUrl = matches.map((m) => (isLivePlanHandle(m.handle) ? (m.handle.eventsUrl?.(m.data) ?? null) : null)).find((url) => url) ?? null;
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  // Loading already (a reload, a navigation, a form's submission): a reload waits for its end.
  const navigation = useNavigation();
  const fetchers = useFetchers();
  const busy = revalidator.state !== "idle" || navigation.state !== "idle" || fetchers.some((fetcher) => fetcher.state !== "idle");
  // One scheduler for the page's life: events from the stream and asks from the page's parts share it.
  const scheduler = useRef<ReloadScheduler | null>(null);
  scheduler.current ??= createReloadScheduler(() => revalidate.current());
  useEffect(() => scheduler.current!.setBusy(busy), [busy]);
  useEffect(() => () => scheduler.current!.dispose(), []);
  // What the data on screen has seen; read when the stream says hello.
  const loaded = useRef({ person: personSeq, plan: plan?.seq ?? null });
  loaded.current = { person: personSeq, plan: plan?.seq ?? null };

  useEffect(() => {
    if (!planId && !personWantsEvents) return;
    const source = new EventSource(ownUrl ?? (planId ? `/events?${new URLSearchParams({ plan: planId })}` : "/events"));
    const reload = () => scheduler.current!.ask();
    source.addEventListener("changed", reload);
    source.addEventListener("hello", (event) => {
      try {
        const now = JSON.parse((event as MessageEvent<string>).data) as { person: number; plan: number | null };
        if (now.person !== loaded.current.person || (now.plan !== null && now.plan !== loaded.current.plan)) reload();
      } catch {
        reload();
      }
    });
    return () => source.close();
  }, [planId, ownUrl, personWantsEvents]);
  return scheduler.current.ask;
}

/** Asks for the page's loaders to be reloaded (see useLiveEvents): for a part of the page that
 * learns from elsewhere that what it shows may be out of date. */
export const PageDataReload = createContext<() => void>(() => {});

export function usePageDataReload(): () => void {
  return useContext(PageDataReload);
}
