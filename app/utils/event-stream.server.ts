import type { AppLoadContext } from "@remix-run/node";
import { getPupilAccess } from "../../db/queries/access";
import { getSessionExpiry } from "../../db/queries/sessions";
import { watchSession, type WatchedSession } from "./session-watch.server";

const HEARTBEAT_MS = 25_000;

/**
 * A server-sent event stream that forwards "something changed" pokes until the browser goes away
 * or `subscribe` calls `end` (the server ends it). The events carry no content: the page reloads
 * its own loader, which decides what may be seen.
 */
export function eventStream(request: Request, subscribe: (send: (change: string) => void, end: () => void) => () => void): Response {
  const encoder = new TextEncoder();
  let stopStream = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      let unsubscribe = () => {};
      const send = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop();
        }
      };
      const heartbeat = setInterval(() => send(": keep-alive\n\n"), HEARTBEAT_MS);
      function stop() {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        try {
          controller.close();
        } catch {
          // Already closed by the other end.
        }
      }
      stopStream = stop;
      request.signal.addEventListener("abort", stop, { once: true });
      send("retry: 3000\n\n");
      const stopSubscription = subscribe((change) => send(`event: changed\ndata: ${change}\n\n`), stop);
      // `subscribe` may have ended the stream at once (a session that expired meanwhile).
      if (closed) stopSubscription();
      else unsubscribe = stopSubscription;
    },
    cancel() {
      stopStream();
    },
  });

  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Accel-Buffering": "no",
    },
  });
}

/**
 * The one event stream of a person's page: their own events and, with a plan they may read, the
 * plan's. It ends when the session does (sign-out, revocation, expiry) and, for the plan, as soon
 * as the person may no longer read it (told through accessEvents; re-decided here).
 */
export function personEventStream(
  request: Request,
  context: Pick<AppLoadContext, "db" | "personEvents" | "planEvents" | "sessionEvents" | "accessEvents">,
  who: { personId: string; session: WatchedSession },
  plan: { id: string; pupilId: string } | null,
): Response {
  return eventStream(request, (send, end) => {
    const stops = [
      watchSession(context.sessionEvents, who.session, (id) => getSessionExpiry(context.db, id), end),
      context.personEvents.subscribe(who.personId, send),
    ];
    if (plan) {
      stops.push(
        context.planEvents.subscribe(plan.id, send),
        context.accessEvents.subscribe(plan.pupilId, () => {
          if (getPupilAccess(context.db, who.personId, plan.pupilId) === "none") end();
        }),
      );
    }
    return () => {
      for (const stop of stops) stop();
    };
  });
}
