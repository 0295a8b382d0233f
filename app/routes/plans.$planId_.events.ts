import type { LoaderFunctionArgs } from "@remix-run/node";
import { getPupilAccess } from "../../db/queries/access";
import { getPlan } from "../../db/queries/plans";
import { notFound, requirePerson } from "~/utils/auth.server";

const HEARTBEAT_MS = 25_000;

/**
 * Server-sent events for one plan: "something stored in SQL changed" (an assessment, a comment).
 * The events carry no content; the page reloads its own loader, which decides what this person
 * may see (so a staff-only thread never travels down this stream, not even as a title).
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  const plan = getPlan(context.db, params.planId ?? "");
  if (!plan || getPupilAccess(context.db, person.id, plan.pupilId) === "none") throw notFound();

  const encoder = new TextEncoder();
  let stopStream = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const send = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop();
        }
      };
      const unsubscribe = context.planEvents.subscribe(plan.id, (change) => send(`event: changed\ndata: ${change}\n\n`));
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
