import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { AppMetrics, SignInMethod } from "../app/utils/metrics";
import type { JournalObserver } from "./collab/update-journal";

/**
 * The server's figures in Prometheus's text format, for GET /metrics (operators only, with
 * METRICS_TOKEN). Counts, durations and route patterns only: no ids, names or content, so a
 * scrape reveals nothing about anyone (route labels have ids replaced, see `routeLabel`).
 */
export class ServerMetrics implements AppMetrics, JournalObserver {
  readonly registry = new Registry();
  private readonly updatesStored: Counter;
  private readonly storeFailures: Counter;
  private readonly storeSeconds: Histogram;
  private readonly signIns: Counter<"method">;
  private readonly httpSeconds: Histogram<"method" | "route" | "status">;

  constructor(sources: { collaboration(): { documents: number; connections: number }; eventStreams(): number }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: "iup_" });
    new Gauge({
      name: "iup_collab_documents",
      help: "Plans whose live document is in memory",
      registers,
      collect() {
        this.set(sources.collaboration().documents);
      },
    });
    new Gauge({
      name: "iup_collab_connections",
      help: "Open collaboration sockets",
      registers,
      collect() {
        this.set(sources.collaboration().connections);
      },
    });
    new Gauge({
      name: "iup_event_streams",
      help: "Open server-sent event streams (one per open page of a signed-in person)",
      registers,
      collect() {
        this.set(sources.eventStreams());
      },
    });
    this.updatesStored = new Counter({ name: "iup_collab_updates_stored_total", help: "Document updates committed to the journal", registers });
    this.storeFailures = new Counter({ name: "iup_collab_store_failures_total", help: "Document updates the journal could not store (their plans were sent away with 4500)", registers });
    this.storeSeconds = new Histogram({
      name: "iup_collab_store_seconds",
      help: "Time to commit one batch of document updates (one transaction)",
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
      registers,
    });
    this.signIns = new Counter({ name: "iup_sign_ins_total", help: "Sessions started, by how the person proved who they are", labelNames: ["method"], registers });
    this.httpSeconds = new Histogram({
      name: "iup_http_request_duration_seconds",
      help: "HTTP requests by route pattern (ids replaced by :id), method and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
  }

  stored(updates: number, seconds: number) {
    this.updatesStored.inc(updates);
    this.storeSeconds.observe(seconds);
  }

  failed(updates: number) {
    this.storeFailures.inc(updates);
  }

  signedIn(method: SignInMethod) {
    this.signIns.inc({ method });
  }

  request(method: string, path: string, status: number, seconds: number) {
    this.httpSeconds.observe({ method, route: routeLabel(path, status), status: String(status) }, seconds);
  }
}

/** A segment that is an id of ours (16 base64url characters) or a UUID, not a word of a route. */
const ID = /^(?=.*[A-Z0-9_])[A-Za-z0-9_-]{10,}$/;

/**
 * The route pattern of a path, for a label: ids become `:id` (a route's words are lowercase
 * letters and hyphens; ids have capitals, digits or underscores), static files one label, and
 * anything not found one label, so neither personal data nor unbounded label values get in.
 */
export function routeLabel(path: string, status: number): string {
  if (status === 404) return "(not found)";
  if (path.startsWith("/build/")) return "/build/*";
  const segments = path.split("/").map((segment) => {
    const dot = segment.indexOf(".");
    const name = dot === -1 ? segment : segment.slice(0, dot);
    return ID.test(name) ? `:id${dot === -1 ? "" : segment.slice(dot)}` : segment;
  });
  return segments.join("/") || "/";
}
