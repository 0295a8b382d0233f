import { useEffect, useRef, useState, type ReactNode } from "react";

/** Editors made at once when a plan opens; the rest follow in idle time or when scrolled near. */
const FIRST_EDITORS = 1;
const EDITORS_PER_IDLE = 1;

function whenIdle(callback: () => void) {
  if (typeof window.requestIdleCallback === "function") window.requestIdleCallback(callback, { timeout: 200 });
  else window.setTimeout(callback, 16);
}

interface Waiting {
  order: number;
  grant(): void;
}

/**
 * Who may make their editor now. A plan has twenty-odd sections, each its own editor; making them
 * all before the first one can be used kept the page from being ready for hundreds of
 * milliseconds. The first few come at once, the rest a couple per idle moment, in page order.
 * Each waiting section is told on its own, so a grant re-renders that section and nothing else.
 */
class MountQueue {
  private waiting: Waiting[] = [];
  private pumping = false;

  add(entry: Waiting) {
    this.waiting.push(entry);
    if (this.pumping) return;
    this.pumping = true;
    // Sections register one after another in the same commit; start once they all have.
    queueMicrotask(() => {
      this.grantNext(FIRST_EDITORS);
      this.continueWhenIdle();
    });
  }

  remove(entry: Waiting) {
    this.waiting = this.waiting.filter((w) => w !== entry);
  }

  private grantNext(count: number) {
    this.waiting.sort((a, b) => a.order - b.order);
    for (const entry of this.waiting.splice(0, count)) entry.grant();
  }

  private continueWhenIdle() {
    if (this.waiting.length === 0) {
      this.pumping = false;
      return;
    }
    whenIdle(() => {
      this.grantNext(EDITORS_PER_IDLE);
      this.continueWhenIdle();
    });
  }
}

const queue = new MountQueue();

/**
 * Shows `children` once this section's turn has come, or as soon as its place comes near the
 * screen (a reader jumping to a section never waits for the queue).
 */
export function MountInTurn({ order, fallback, children }: { order: number; fallback: ReactNode; children: ReactNode }) {
  const [mounted, setMounted] = useState(false);
  const place = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (mounted) return;
    const entry: Waiting = { order, grant: () => setMounted(true) };
    queue.add(entry);
    let observer: IntersectionObserver | null = null;
    if (place.current) {
      observer = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) entry.grant();
      }, { rootMargin: "400px 0px" });
      observer.observe(place.current);
    }
    return () => {
      queue.remove(entry);
      observer?.disconnect();
    };
  }, [mounted, order]);
  if (mounted) return <>{children}</>;
  return (
    <div ref={place}>
      {fallback}
    </div>
  );
}
