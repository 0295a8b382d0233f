/*
 * The service worker (built to public/sw.js by `npm run build`): a reload of the plan page while
 * the connection is down opens the plan from this device, so the pupil can keep writing; the
 * editor's content comes from the browser's own copy of the plan (app/editor/device-copy.client.ts).
 *
 * - The app shell (the hashed scripts and styles under /build/, the route manifest) is kept in one
 *   cache for everyone: it holds no personal data.
 * - A plan page (/plans/:id, /talks/:id) is fetched from the network first, always. When the
 *   server marks it (IUP-Offline-Copy: the viewer writes in the plan), a copy is kept for offline
 *   use, filed under the signed-in session it was rendered for. The server names the
 *   session in every response (IUP-Device-Partition: a keyed hash of the session cookie, never
 *   the cookie). The moment a response names another session, or none (signed out), every other
 *   session's pages are deleted, so one person's page is never shown to the next person on the
 *   same device. Sign-out (a post to /logout) deletes them too, once the server has answered it.
 * - Offline, a page not kept here gets a short notice, never another person's page.
 */
import en from "../app/locales/en/common";
import sv from "../app/locales/sv/common";
import { DEVICE_PARTITION_HEADER, OFFLINE_COPY_HEADER, OFFLINE_PLAN_HEADER, OFFLINE_UNTIL_HEADER } from "../app/shared/device-copy";

declare const self: ServiceWorkerGlobalScope;

const SHELL = "iup-shell-1";
const PAGES = "iup-pages-";
const PARTITION = /^[A-Za-z0-9_-]{16,64}$/;
/** Pages that may be kept for offline use (where a person writes in a plan), when the server marks them so. */
const OFFLINE_PAGE = /^\/(?:plans|talks)\/[A-Za-z0-9_-]{1,64}$/;
const PLAN_ID = /^[A-Za-z0-9_-]{1,64}$/;

self.addEventListener("install", () => {
  void self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith("iup-shell-") && key !== SHELL) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

/**
 * The page names the shell files it loaded before this worker controlled it, and asks for its
 * own copy when it was reached without a page load (a link within the app fetches data only).
 */
self.addEventListener("message", (event) => {
  const data = event.data as { type?: unknown; urls?: unknown; path?: unknown; planId?: unknown } | null;
  if (data?.type === "keep-page" && typeof data.path === "string" && OFFLINE_PAGE.test(data.path)) {
    const url = new URL(data.path, self.location.origin);
    event.waitUntil(inTurn(() => keepPage(url)));
    return;
  }
  if (data?.type === "forget-page" && typeof data.path === "string" && OFFLINE_PAGE.test(data.path)) {
    const url = new URL(data.path, self.location.origin);
    const planId = typeof data.planId === "string" && PLAN_ID.test(data.planId) ? data.planId : null;
    event.waitUntil(inTurn(() => forgetPlan(url, planId)));
    return;
  }
  if (data?.type !== "keep-shell" || !Array.isArray(data.urls)) return;
  const urls = data.urls.filter((u): u is string => typeof u === "string" && isShellFile(new URL(u, self.location.origin)));
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      for (const url of urls.slice(0, 200)) {
        if (await cache.match(url)) continue;
        await cache.add(url).catch(() => {});
      }
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    if (url.pathname === "/logout" || url.pathname === "/logout.data") event.respondWith(signOut(request));
    return;
  }
  if (isShellFile(url)) return event.respondWith(fromShell(event, request));
  if (url.pathname === "/__manifest") return event.respondWith(networkThenShell(event, request));
  if (request.mode === "navigate") return event.respondWith(page(event, request, url));
  // Route data: only to learn whose session the responses are rendered for.
  if (url.pathname.endsWith(".data")) return event.respondWith(passThrough(event, request));
});

function isShellFile(url: URL): boolean {
  return url.origin === self.location.origin && (url.pathname.startsWith("/build/") || url.pathname === "/favicon.svg");
}

async function fromShell(event: FetchEvent, request: Request): Promise<Response> {
  const cache = await caches.open(SHELL);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) event.waitUntil(cache.put(request, response.clone()));
  return response;
}

async function networkThenShell(event: FetchEvent, request: Request): Promise<Response> {
  const cache = await caches.open(SHELL);
  try {
    const response = await fetch(request);
    if (response.ok) event.waitUntil(cache.put(request, response.clone()));
    return response;
  } catch (error) {
    const kept = await cache.match(request);
    if (kept) return kept;
    throw error;
  }
}

async function passThrough(event: FetchEvent, request: Request): Promise<Response> {
  const response = await fetch(request);
  event.waitUntil(notePartition(response));
  return response;
}

async function page(event: FetchEvent, request: Request, url: URL): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(request);
  } catch {
    return (await keptPage(url)) ?? offlineNotice();
  }
  const copy = response.clone();
  // Whose session it is, at once (other sessions' pages go now); keeping or dropping the page, in turn.
  event.waitUntil(notePartition(copy).then((partition) => inTurn(() => storePage(url, copy, partition))));
  return response;
}

/**
 * Keeping and dropping pages happen one after the other, in the order asked: a page kept just
 * before its plan was locked is dropped after, not put back by a fetch that was still on its way.
 * (Deleting other sessions' pages never waits here: notePartition runs at once.)
 */
let turns: Promise<unknown> = Promise.resolve();
function inTurn(task: () => Promise<void>): Promise<void> {
  const run = turns.then(task, task);
  turns = run.catch(() => {});
  return run;
}

/**
 * Keeps a page the server marked for it, under the session it was rendered for. A page it no
 * longer marks (the plan was locked, the person no longer writes in it, or may not see it) loses
 * its copy: offline, that copy would open an editor whose words could never be stored.
 */
async function storePage(url: URL, response: Response, partition: string | null) {
  if (!partition || !OFFLINE_PAGE.test(url.pathname)) return;
  const marked = response.headers.get(OFFLINE_COPY_HEADER) === "keep" && response.headers.get("Content-Type")?.startsWith("text/html");
  if (response.ok && marked) await (await caches.open(PAGES + partition)).put(pageKey(url), response);
  // (A server error says nothing about the page: its copy stays.)
  else if (response.ok || response.status === 404) await forgetPlan(url, planOf(response));
}

const planOf = (response: Response) => {
  const planId = response.headers.get(OFFLINE_PLAN_HEADER);
  return planId && PLAN_ID.test(planId) ? planId : null;
};

/** Drops the kept copy of a page and of every other page of its plan (/plans/:id and its talks' /talks/:id). */
async function forgetPlan(url: URL, planId: string | null) {
  for (const key of await caches.keys()) {
    if (!key.startsWith(PAGES)) continue;
    const cache = await caches.open(key);
    for (const request of await cache.keys()) {
      const kept = request.url === pageKey(url) ? null : await cache.match(request);
      if (!kept || (planId !== null && planOf(kept) === planId)) await cache.delete(request);
    }
  }
}

/** How long fetching a page to keep may take before it is given up (the next visit tries again). */
const KEEP_FETCH_MS = 20_000;

/** Fetches and keeps a page not yet kept for the current session (asked for by the page itself). */
async function keepPage(url: URL) {
  if (await keptPage(url)) return;
  try {
    // Bounded: the pages kept and dropped after this one wait for it.
    const response = await fetch(url, { credentials: "same-origin", redirect: "manual", signal: AbortSignal.timeout(KEEP_FETCH_MS) });
    await storePage(url, response, await notePartition(response));
  } catch {
    // Offline already, or the server is away: the next visit tries again.
  }
}

const pageKey = (url: URL) => `${url.origin}${url.pathname}`;

/**
 * Which session a response was rendered for; every other session's pages are deleted. Null
 * when there is none (signed out): then all of them are. Redirects say nothing (opaque).
 */
async function notePartition(response: Response): Promise<string | null> {
  if (response.type === "opaqueredirect" || response.type === "error") return null;
  const named = response.headers.get(DEVICE_PARTITION_HEADER);
  const partition = named && PARTITION.test(named) ? named : null;
  await forgetPages(partition);
  return partition;
}

/**
 * Sign-out: the person's pages go once the server has ended the session. A post that fails
 * (offline, the server down) signs nobody out, and must not leave them signed in with their pages
 * gone.
 */
async function signOut(request: Request): Promise<Response> {
  const response = await fetch(request);
  if (response.ok || response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) await forgetPages(null);
  return response;
}

/** Deletes the kept pages of every session but `keep`. */
async function forgetPages(keep: string | null) {
  for (const key of await caches.keys()) {
    if (key.startsWith(PAGES) && key !== `${PAGES}${keep}`) await caches.delete(key);
  }
}

/**
 * The kept copy of a page, from the one session whose pages are kept — while that session lasts.
 * Past its end (the person left without signing out, the browser dropped the cookie) every page
 * of it goes: the next person offline gets the notice, not the plan and the drafts it opens.
 */
async function keptPage(url: URL): Promise<Response | null> {
  if (!OFFLINE_PAGE.test(url.pathname)) return null;
  const current = (await caches.keys()).find((key) => key.startsWith(PAGES));
  if (!current) return null;
  const kept = await (await caches.open(current)).match(pageKey(url));
  if (!kept) return null;
  const until = Number(kept.headers.get(OFFLINE_UNTIL_HEADER));
  if (Number.isFinite(until) && until > Date.now()) return kept;
  await caches.delete(current);
  return null;
}

function offlineNotice(): Response {
  const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const part = (lang: string, texts: typeof sv.offline) =>
    `<section lang="${lang}"><h1>${escape(texts.title)}</h1><p>${escape(texts.text)}</p><p><a href="/">${escape(texts.home)}</a></p></section>`;
  const html = `<!doctype html><html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(sv.offline.title)} · ${escape(sv.appName)}</title><style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a2421}a{color:#1f5fa8}section+section{border-top:1px solid #ccd5d2;margin-top:1.5rem}</style></head><body><main>${part("sv", sv.offline)}${part("en", en.offline)}</main></body></html>`;
  return new Response(html, {
    status: 503,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    },
  });
}
