/**
 * When the page's loaders are reloaded for live events. A burst of events (a teacher typing an
 * omdöme) becomes one reload after a short pause; and a reload is never started while the page
 * is already loading (a reload, a navigation, a form's submission): Remix would abort the request
 * in flight, which the server had already done the work for, and log the aborted decoding as an
 * error. An event that comes meanwhile is owed and paid once the page is idle: the data loaded
 * then includes it.
 */
export interface ReloadScheduler {
  /** An event says the page's data may be out of date. */
  ask(): void;
  /** Whether the page is loading now; going idle pays an owed reload. */
  setBusy(busy: boolean): void;
  dispose(): void;
}

export function createReloadScheduler(reload: () => void, pauseMs = 150): ReloadScheduler {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let busy = false;
  let owed = false;
  const due = () => {
    timer = undefined;
    if (busy) owed = true;
    else reload();
  };
  return {
    ask() {
      clearTimeout(timer);
      timer = setTimeout(due, pauseMs);
    },
    setBusy(now) {
      busy = now;
      if (!busy && owed) {
        owed = false;
        reload();
      }
    },
    dispose() {
      clearTimeout(timer);
      owed = false;
    },
  };
}
