import { createContext, useContext } from "react";

/**
 * The response's Content-Security-Policy nonce, for the few inline scripts Remix writes into the
 * page. Set by entry.server from the load context; empty in the browser, which hides nonces from
 * the page anyway and needs none after hydration (scripts are then loaded from /build).
 */
export const NonceContext = createContext("");

export function useNonce(): string {
  return useContext(NonceContext);
}
