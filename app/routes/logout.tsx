import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { endSession } from "~/utils/auth.server";

export async function action({ request, context }: ActionFunctionArgs) {
  return endSession(context, request);
}

/** Signing out is a POST (a link could be triggered by a prefetch or another site). */
export function loader() {
  return redirect("/");
}
