/** How a person proved who they are when a session started (counted in /metrics). */
export type SignInMethod = "password" | "provider" | "link";

/** What the app itself reports to the server's metrics (server/metrics.ts); the rest is measured around it. */
export interface AppMetrics {
  signedIn(method: SignInMethod): void;
}
