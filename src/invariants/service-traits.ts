/**
 * What a Railway service is declared to be, as the rules read it. A service spec lists its traits;
 * its ServiceConfig carries them (never sent to Railway), so a rule about "services that get the
 * database" checks every such service, whatever its role.
 * - `public-web`: Railway routes public HTTP to it on the PORT it injects and health-checks.
 * - `app-database`: runs the app's code against Neon, so it needs DATABASE_URL and ENVIRONMENT,
 *   from which the app turns SSL on.
 */
export type ServiceTrait = "public-web" | "app-database";
