import { getPublicSigningKeys } from "~/services/signing-key.server";
import type { LoaderFunctionArgs } from "@remix-run/node";

/**
 * The public halves of the server's Ed25519 sealing keys as a JWK Set (RFC 7517), the current key
 * first: exported plans verify against the key whose `kid` their signatures name. Retired keys stay
 * here, so signatures sealed before a rotation keep verifying.
 */
export async function loader({ context }: LoaderFunctionArgs) {
  return Response.json({ keys: getPublicSigningKeys(context.db) }, { headers: { "Cache-Control": "public, max-age=300" } });
}
