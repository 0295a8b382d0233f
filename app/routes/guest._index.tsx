import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PlanBody } from "~/components/plan/plan-body";
import { TalkView, talkAgendaSkipLink } from "~/components/talk/talk-view";
import { planSkipLink } from "~/components/plan/plan-document";
import { getGuestView } from "~/services/talk-guests.server";
import { notFound } from "~/utils/auth.server";
import { formatDateTime, formatTime } from "~/utils/format";
import { useLocale } from "~/utils/use-locale";
import type { PageHandle } from "~/utils/page-title";
import type { SkipLinksHandle } from "~/utils/skip-links";
import type { LivePlanHandle } from "~/utils/use-live-events";

// No names in the title: titles end up in browser history.
export const meta: MetaFunction = () => [{ name: "robots", content: "noindex" }];

/** The guest's own stream (no session): what the family hears of this plan. */
export const handle: LivePlanHandle & PageHandle & SkipLinksHandle = {
  titleKey: "pageTitles.talk",
  skipLinks: [talkAgendaSkipLink, planSkipLink],
  livePlan: (loaded) => {
    const page = loaded as { view?: { planId: string } | null; liveSeq?: number } | undefined;
    return page?.view ? { id: page.view.planId, seq: page.liveSeq ?? 0 } : null;
  },
  eventsUrl: (loaded) => ((loaded as { view?: unknown } | undefined)?.view ? "/guest/events" : null),
};

/**
 * A guest's view of one talk (an interpreter): the talk and the plan, read-only, following the
 * pupil, while the link is open; before that, when it opens; after it, that it has closed (410).
 * Reads only the guest's cookie: a signed-in person's session opens nothing here.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const found = getGuestView(context.db, await context.guestCookie.parse(request.headers.get("Cookie")));
  if (!found) throw notFound();
  // How many of the plan's changes the family has been told of: the stream's "hello" compares.
  const liveSeq = found.view ? context.planEvents.sequenceFor(found.view.planId, ["everyone"]) : 0;
  return data({ ...found, liveSeq }, { status: found.link.state === "over" ? 410 : 200, headers: { "Cache-Control": "no-store" } });
}

export default function GuestPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { link, view } = useLoaderData<typeof loader>();
  if (link.state === "early") {
    return (
      <div className="page page-narrow">
        <h1>{t("guest.earlyHeading")}</h1>
        <p>{t("guest.early", { time: formatDateTime(new Date(link.opensAt), locale) })}</p>
      </div>
    );
  }
  if (link.state === "over" || !view) {
    return (
      <div className="page page-narrow">
        <h1>{t("guest.overHeading")}</h1>
        <p>{t("guest.over")}</p>
      </div>
    );
  }
  return (
    <TalkView
      view={view}
      leads={false}
      mayCall={false}
      mayRunClock={false}
      follows
      showVideo
      showPhone
      notice={
        <p className="alert">
          {t("guest.notice", { language: view.guest.language })} {link.state === "open" ? t("guest.until", { time: formatTime(new Date(link.closesAt), locale) }) : null}
        </p>
      }
    >
      <PlanBody page={view.plan} asGuest />
    </TalkView>
  );
}
