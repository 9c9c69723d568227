import type { ServiceSpec } from "../components/railway-service";
import { RESTART_ON_FAILURE, type RailwayAppSettings } from "./context";

/** What every service built from the app's repository has in its `railway.<role>` keys. */
type RepoSettings = Pick<
  RailwayAppSettings["frontend"],
  | "repo"
  | "branch"
  | "rootDirectory"
  | "healthcheckPath"
  | "healthcheckTimeout"
  | "sleepApplication"
  | "watchPatterns"
  | "variables"
>;

/** Source, build and deploy settings of a service Railway builds from a branch of the app's repository. */
export function repoServiceSettings(
  settings: RepoSettings,
): Pick<ServiceSpec, "source" | "build" | "deploy" | "extraVariables"> {
  return {
    source: { repo: settings.repo, branch: settings.branch, rootDirectory: settings.rootDirectory },
    build: { watchPatterns: settings.watchPatterns },
    deploy: {
      healthcheckPath: settings.healthcheckPath,
      healthcheckTimeout: settings.healthcheckTimeout,
      sleepApplication: settings.sleepApplication,
      ...RESTART_ON_FAILURE,
    },
    extraVariables: settings.variables,
  };
}
