import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LiveBoard } from "~/components/talk/live-board";
import { performIdentityCheck } from "~/services/talk-intents.server";
import { getLiveBoard } from "~/services/talk-live.server";
import { respond } from "~/utils/action-result.server";
import { notFound, requirePerson } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { formatTalkTime } from "~/utils/format";
import type { PageHandle } from "~/utils/page-title";
import { useLocale } from "~/utils/use-locale";

export const handle: PageHandle = { titleKey: "pageTitles.sitting" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const person = await requirePerson(request, context);
  const board = getLiveBoard(context.db, person, params.eventId ?? "", params.sittingId ?? "", (planId) => context.collaboration.presentPeople(planId));
  if (!board?.sitting) throw notFound();
  return { ...board, sitting: board.sitting };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const person = await requirePerson(request, context);
  return respond(performIdentityCheck(context, person, await readFormData(request)), "talks");
}

export default function SittingBoardPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const board = useLoaderData<typeof loader>();
  const title = t("talks.sitting.title", formatTalkTime(board.sitting.startsAt, board.sitting.endsAt, locale));
  return <LiveBoard board={board} title={title} subtitle={board.sitting.place} />;
}
