const HEARTBEAT_MS = 25_000;

/**
 * A server-sent event stream that forwards "something changed" pokes until the browser goes away.
 * The events carry no content: the page reloads its own loader, which decides what may be seen.
 */
export function eventStream(request: Request, subscribe: (send: (change: string) => void) => () => void, hello?: () => string): Response {
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
      const unsubscribe = subscribe((change) => send(`event: changed\ndata: ${change}\n\n`));
      const greeting = hello?.();
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
      if (greeting !== undefined) send(`event: hello\ndata: ${greeting}\n\n`);
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
