export * from "./roster";
export * from "./auth";
