import type { LoaderFunctionArgs } from "@remix-run/node";
import { canAdministerSchool } from "../../db/queries/access";
import { getOutboxMessage } from "~/services/talk-mail.server";
import { notFound, requirePerson } from "~/utils/auth.server";
import { requireOwnPageRequest } from "~/utils/request-origin.server";

/** The calendar file of a message in the outbox, as the guardian would get it. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  await requireOwnPageRequest(request, context);
  if (!canAdministerSchool(context.db, person.id, person.schoolId)) throw notFound();
  const message = getOutboxMessage(context.db, person.schoolId, params.messageId ?? "");
  if (!message?.calendar) throw notFound();
  return new Response(message.calendar, {
    headers: { "Content-Type": "text/calendar; charset=utf-8", "Content-Disposition": 'attachment; filename="invite.ics"', "Cache-Control": "no-store" },
  });
}
