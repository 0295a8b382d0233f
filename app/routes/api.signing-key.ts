import { getSigningKey } from "~/services/signing-key.server";
import type { LoaderFunctionArgs } from "@remix-run/node";

/** The public half of the server's Ed25519 sealing key, as a JWK: exported plans verify against it. */
export async function loader({ context }: LoaderFunctionArgs) {
  return Response.json(getSigningKey(context.db).publicJwk, { headers: { "Cache-Control": "public, max-age=300" } });
}
