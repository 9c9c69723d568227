import { violationsVerdict, type Rule } from "./rule-kit";
import type { Violation } from "./violation";

export const DEPLOYED_ENVIRONMENTS = ["staging", "production"] as const;
export type DeployedEnvironment = (typeof DEPLOYED_ENVIRONMENTS)[number];

export const environmentMatchesStack: Rule = {
  id: "environment-matches-stack",
  description:
    'The app\'s ENVIRONMENT equals the stack ("staging" or "production", never "development").',
  evaluate: ({ outputs, stack }) =>
    violationsVerdict(
      environmentMatchesStack.id,
      environmentViolations(outputs.environment, stack),
      `ENVIRONMENT is "${String(outputs.environment)}".`,
    ),
};

/**
 * The backend turns database SSL off when ENVIRONMENT is "development"
 * (backend/app/core/database.py), and Neon refuses connections without SSL, so
 * a deployed stack must say exactly which environment it is.
 */
export function environmentViolations(value: unknown, stack: string): Violation[] {
  if (typeof value !== "string" || !(DEPLOYED_ENVIRONMENTS as readonly string[]).includes(value)) {
    return [
      {
        rule: environmentMatchesStack.id,
        message:
          `ENVIRONMENT is ${JSON.stringify(value)}; it must be "staging" or "production" ` +
          `("development" turns database SSL off in the app). Set it to "${stack}".`,
      },
    ];
  }
  if (value !== stack) {
    return [
      {
        rule: environmentMatchesStack.id,
        message: `ENVIRONMENT is "${value}" but the stack is "${stack}"; set it to "${stack}".`,
      },
    ];
  }
  return [];
}
