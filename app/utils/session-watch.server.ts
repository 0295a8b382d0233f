import type { ChangeBus, SessionChange } from "../../server/plan-events";

/** The longest delay setTimeout takes (about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface WatchedSession {
  id: string;
  expiresAt: Date;
}

/**
 * Calls `onEnd` once, as soon as a session ends: signed out, replaced or revoked (the session
 * storage tells `sessionEvents`), or expired (a timer at its expiry; when it fires the session's
 * expiry is asked again, in case it was extended). For whatever a session opened that outlives a
 * request: collaboration sockets and event streams. Returns a function that stops watching.
 */
export function watchSession(
  sessionEvents: Pick<ChangeBus<SessionChange>, "subscribe">,
  session: WatchedSession,
  currentExpiry: (sessionId: string) => Date | null,
  onEnd: () => void,
): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let watching = true;
  let unsubscribe = () => {};
  const stop = () => {
    if (!watching) return;
    watching = false;
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
  const end = () => {
    if (!watching) return;
    stop();
    onEnd();
  };
  const arm = (expiresAt: Date) => {
    const delay = expiresAt.getTime() - Date.now();
    if (delay <= 0) return end();
    timer = setTimeout(() => {
      const next = currentExpiry(session.id);
      if (next && next.getTime() > Date.now()) arm(next);
      else end();
    }, Math.min(delay, MAX_TIMER_MS));
    timer.unref?.();
  };
  unsubscribe = sessionEvents.subscribe(session.id, end);
  arm(session.expiresAt);
  return stop;
}
