import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireSchoolAdmin } from "~/policies/school.server";
import { getOutboxMessage } from "~/services/talk-mail.server";
import { notFound } from "~/utils/auth.server";
import { requireOwnPageRequest } from "~/utils/request-origin.server";

/** The calendar file of a message in the outbox, as the guardian would get it. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const admin = await requireSchoolAdmin(request, context);
  await requireOwnPageRequest(request, context);
  const message = getOutboxMessage(context.db, admin.schoolId, params.messageId ?? "");
  if (!message?.calendar) throw notFound();
  return new Response(message.calendar, {
    headers: { "Content-Type": "text/calendar; charset=utf-8", "Content-Disposition": 'attachment; filename="invite.ics"', "Cache-Control": "no-store" },
  });
}
