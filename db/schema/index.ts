export * from "./roster";
export * from "./auth";
export * from "./plans";
