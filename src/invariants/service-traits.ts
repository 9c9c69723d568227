/**
 * What a Railway service is declared to be, as the rules read it. A service spec lists its traits;
 * its ServiceConfig carries them (never sent to Railway), so a rule about "services that get the
 * database" checks every such service, whatever its role.
 */
export const SERVICE_TRAITS = {
  /** Railway routes public HTTP to it on the PORT it injects and health-checks. */
  "public-web": "serves public HTTP on the PORT Railway sets",
  /** Runs the app's code against Neon: DATABASE_URL, and ENVIRONMENT, from which the app turns SSL on. */
  "app-database": "runs the app's code against the app database (DATABASE_URL and ENVIRONMENT)",
} as const;

export type ServiceTrait = keyof typeof SERVICE_TRAITS;
