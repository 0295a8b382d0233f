import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { getLocale, i18nFor } from "./utils/i18n.server";
import { NonceContext } from "./utils/nonce";

export const streamTimeout = 5_000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const i18n = i18nFor(await getLocale(request));
  const nonce = loadContext.cspNonce;

  // The whole document in one response body: every loader here is synchronous and nothing is
  // deferred, so streaming sent nothing earlier, only in many small writes (each a system call
  // that, with the browser busy on the same machine, cost more than rendering the chunk).
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <I18nextProvider i18n={i18n}>
          <RemixServer context={remixContext} url={request.url} nonce={nonce} />
        </I18nextProvider>
      </NonceContext.Provider>,
      {
        nonce,
        onShellReady() {
          shellRendered = true;
        },
        onAllReady() {
          const body = new PassThrough();
          const chunks: Buffer[] = [];
          body.on("data", (chunk: Buffer) => chunks.push(chunk));
          body.on("end", () => {
            clearTimeout(timeout);
            responseHeaders.set("Content-Type", "text/html; charset=utf-8");
            resolve(new Response(Buffer.concat(chunks), { headers: responseHeaders, status: responseStatusCode }));
          });
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors in the shell reach Remix's error handling (onShellError); log only the rest.
          if (shellRendered) console.error(error instanceof Error ? error.message : "render error");
        },
      },
    );
    const timeout = setTimeout(abort, streamTimeout + 1000);
  });
}

/**
 * Errors thrown in loaders, actions and rendering. Remix answers them with its generic 500 (the
 * server runs in production mode, so no message or stack is sent). Logged here by kind and place
 * only: an error's message can quote what someone typed or a plan's content.
 */
export const handleError: HandleErrorFunction = (error, { context }) => {
  // An aborted request (the person navigated away) is not a fault. Asked of the Node response's
  // own signal: the `request.signal` Remix hands on can lose track of its original (load-context.ts).
  if ((context as AppLoadContext).connectionClosed.aborted) return;
  const frames = error instanceof Error ? (error.stack ?? "").split("\n").filter((line) => line.trimStart().startsWith("at ")).slice(0, 5) : [];
  console.error(JSON.stringify({ level: "error", msg: "request failed", err: error instanceof Error ? error.name : typeof error, frames }));
};
