import { createContext, useContext } from "react";

/**
 * Where the plan's forms (comments, signing) post: the plan page's action. Set explicitly, so the
 * same components work inside another page that shows the plan (the talk view).
 */
export const PlanActionContext = createContext<string | undefined>(undefined);

export function usePlanAction(): string | undefined {
  return useContext(PlanActionContext);
}
