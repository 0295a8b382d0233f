import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LiveBoard } from "~/components/talk/live-board";
import { performIdentityCheck } from "~/services/talk-intents.server";
import { getLiveBoard } from "~/services/talk-live.server";
import { respond } from "~/utils/action-result.server";
import { notFound, requirePerson } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import type { PageHandle } from "~/utils/page-title";

export const handle: PageHandle = { titleKey: "pageTitles.oneToOne" };

/** The live board of a talk day's one-to-one talks: the mentor's own pupils (an admin: all). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  const board = getLiveBoard(context.db, person, params.eventId ?? "", null, (planId) => context.collaboration.presentPeople(planId));
  if (!board) throw notFound();
  return board;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const person = await requirePerson(request, context);
  return respond(performIdentityCheck(context, person, await readFormData(request)), "talks");
}

export default function OneToOneBoardPage() {
  const { t } = useTranslation();
  const board = useLoaderData<typeof loader>();
  return <LiveBoard board={board} title={t("talks.oneToOne.title")} subtitle={t("talks.oneToOne.lead")} />;
}
