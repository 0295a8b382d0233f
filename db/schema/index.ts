export * from "./roster";
export * from "./auth";
export * from "./plans";
export * from "./signatures";
export * from "./audit";
export * from "./talks";
export * from "./notifications";
export * from "./evaluations";
