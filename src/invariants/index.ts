export * from "./backup-lifecycle";
export * from "./backup-schedule";
export * from "./database-url";
export * from "./environment";
export * from "./neon-plan";
export * from "./stack-rules";
export * from "./violation";
