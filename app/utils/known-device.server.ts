import { createCookie, type AppLoadContext, type Cookie } from "@remix-run/node";
import { z } from "zod";
import { rememberAccount, type KnownDevice } from "../services/sign-in.server";

/** The signed cookie that marks a browser someone has signed in on (see sign-in.server.ts). */
export type KnownDeviceCookie = Cookie;

export function createKnownDeviceCookie(options: { secret: string; secure: boolean }): KnownDeviceCookie {
  return createCookie("__device", {
    httpOnly: true,
    // Only ever needed by our own forms (sign-in, signing).
    sameSite: "strict",
    secure: options.secure,
    path: "/",
    secrets: [options.secret],
    // Browsers keep a cookie at most 400 days.
    maxAge: 400 * 24 * 3600,
  });
}

const KnownDeviceSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  accounts: z.array(z.string().max(64)).max(10),
});

/** This browser as a known device, or null (no cookie, or one we did not sign). */
export async function readKnownDevice(request: Request, context: Pick<AppLoadContext, "knownDeviceCookie">): Promise<KnownDevice | null> {
  const value: unknown = await context.knownDeviceCookie.parse(request.headers.get("Cookie"));
  const parsed = KnownDeviceSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The Set-Cookie that remembers this browser for the account that just signed in on it. */
export async function rememberKnownDevice(
  request: Request,
  context: Pick<AppLoadContext, "knownDeviceCookie">,
  email: string,
): Promise<string> {
  return context.knownDeviceCookie.serialize(rememberAccount(await readKnownDevice(request, context), email));
}
