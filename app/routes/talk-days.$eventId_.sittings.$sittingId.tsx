import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LiveBoard } from "~/components/talk/live-board";
import { performIdentityCheck } from "~/services/talk-intents.server";
import { getLiveBoard } from "~/services/talk-live.server";
import { respond } from "~/utils/action-result.server";
import { notFound, requirePerson } from "~/utils/auth.server";
import { readFormData } from "~/utils/forms.server";
import { formatDate } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";

export const meta: MetaFunction = () => [{ title: "Sittning · Elevledd IUP" }];

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
  const title = t("talks.sitting.title", {
    date: formatDate(board.sitting.startsAt.slice(0, 10), locale),
    from: board.sitting.startsAt.slice(11),
    to: board.sitting.endsAt.slice(11),
  });
  return <LiveBoard board={board} title={title} subtitle={board.sitting.place} />;
}
