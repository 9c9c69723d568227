/**
 * The usage check behind `npm run -s railway:usage`: Railway's own estimate of the billing period
 * (`estimatedUsage`) for the workspace of the app's project, priced per measurement, against the
 * budgets of the stacks that run in that workspace. Queries only, through a client that refuses
 * mutations.
 *
 * Railway bills the workspace, once: production's project, staging's environment in it and the
 * backup job's project are on one bill with one subscription, and the estimate cannot be split by
 * environment. So the workspace's bill (subscription plus the usage above what it includes) is
 * compared with the sum of `budget.monthlyUsd` of production and of every stack whose Railway
 * services run in production's project, the way the cost model adds staging's usage on top of
 * production's subscription. Those budgets also hold Neon's and R2's share (billed elsewhere, a few
 * cents in the committed stack files): the comparison is lenient by that much.
 */
import { readStackFileConfig, type ProductionConfig } from "../config";
import { formatUsd } from "../invariants/cost-model";
import { RAILWAY_PLANS } from "../invariants/cost-prices";
import { DEPLOYED_ENVIRONMENTS } from "../invariants/environment";
import {
  BILLED_MEASUREMENTS,
  estimatedUsageCost,
  type EstimatedUsageCost,
  type MeasurementCost,
} from "../invariants/railway-usage";
import type { RailwayClient } from "../railway/client";
import { PROJECTS_IN_WORKSPACE, WORKSPACE_ESTIMATED_USAGE } from "../railway/operations";
import { ambiguousProjectError, projectsNamed } from "../railway/project";
import { clientFor } from "./adoption-check";

export const USAGE_EXIT = { withinBudget: 0, overBudget: 1 } as const;

/** Bad input the user fixes (stack, token, project): exit 2 with the message, no trace. */
export class UsageCheckError extends Error {
  override readonly name = "UsageCheckError";
}

export interface UsageReport {
  readonly stack: string;
  /** Always true: the client refuses mutations, and none was sent. */
  readonly readOnly: true;
  readonly workspaceId: string;
  readonly cost: EstimatedUsageCost;
  /** `cost.byProject` with the projects' names (a deleted project has none). */
  readonly projects: readonly {
    readonly projectId: string;
    readonly name: string | undefined;
    readonly usd: number;
  }[];
  /** Each stack's `budget.monthlyUsd` that the workspace's bill must fit. */
  readonly budgets: readonly { readonly stack: string; readonly monthlyUsd: number }[];
  readonly budgetUsd: number;
  readonly overBudget: boolean;
  readonly exitCode: (typeof USAGE_EXIT)[keyof typeof USAGE_EXIT];
}

export interface UsageCheckOptions {
  readonly projectDir: string;
  readonly stack: string;
  readonly env: NodeJS.ProcessEnv;
  /** A client to use instead of one built from the token (tests count its requests). */
  readonly client?: RailwayClient;
}

async function workspaceOf(
  client: RailwayClient,
  railway: ProductionConfig["railway"],
): Promise<string> {
  const { projectName, workspaceId } = railway;
  const found = await projectsNamed(client, projectName, workspaceId);
  if (found.length > 1)
    throw new UsageCheckError(ambiguousProjectError(projectName, found).message);
  const project = found[0];
  if (!project) {
    throw new UsageCheckError(
      `Railway project "${projectName}" (railway.projectName) is not among the projects this token can see: ` +
        "check the name against the dashboard, and that the token belongs to the project's workspace.",
    );
  }
  if (!project.workspaceId)
    throw new UsageCheckError(
      `Railway answered no workspace for project "${projectName}" (${project.id}); use a workspace token, not a project token.`,
    );
  return project.workspaceId;
}

export async function runUsageCheck(options: UsageCheckOptions): Promise<UsageReport> {
  if (options.stack !== "production") {
    throw new UsageCheckError(
      `${options.stack}'s Railway services run in production's project and are billed to its workspace: run with --stack production, ` +
        "which compares the workspace's estimate with both stacks' budgets.",
    );
  }
  const production = readStackFileConfig(options.projectDir, "production");
  const sharing = DEPLOYED_ENVIRONMENTS.filter((stack) => stack !== "production").map((stack) => ({
    stack,
    config: readStackFileConfig(options.projectDir, stack).config,
  }));
  const budgets = [
    { stack: "production", config: production.config },
    ...sharing.filter(({ config }) => "productionStack" in config.railway),
  ].map(({ stack, config }) => ({
    stack,
    monthlyUsd: config.budget.monthlyUsd,
  }));
  const client =
    options.client ?? clientFor(production.file.config, production.file.secretKeys, options.env);
  // parseStackConfig("production", …) validated it with production's schema.
  const workspaceId = await workspaceOf(client, (production.config as ProductionConfig).railway);
  const { estimatedUsage } = await client.request(WORKSPACE_ESTIMATED_USAGE, {
    workspaceId,
    measurements: BILLED_MEASUREMENTS,
  });
  let cost: EstimatedUsageCost;
  try {
    cost = estimatedUsageCost(estimatedUsage, production.config.budget.railwayPlan);
  } catch (error) {
    throw new UsageCheckError((error as Error).message);
  }
  const names = new Map(
    (await client.request(PROJECTS_IN_WORKSPACE, { workspaceId })).projects.edges.map(
      ({ node }) => [node.id, node.name],
    ),
  );
  const budgetUsd = budgets.reduce((sum, budget) => sum + budget.monthlyUsd, 0);
  const overBudget = cost.billUsd > budgetUsd;
  return {
    stack: options.stack,
    readOnly: true,
    workspaceId,
    cost,
    projects: cost.byProject.map((project) => ({ ...project, name: names.get(project.projectId) })),
    budgets,
    budgetUsd,
    overBudget,
    exitCode: overBudget ? USAGE_EXIT.overBudget : USAGE_EXIT.withinBudget,
  };
}

const figure = (value: number) => String(Math.round(value * 100) / 100);

function describeQuantity(line: MeasurementCost): string {
  const average =
    line.averageInUse === undefined
      ? ""
      : ` (${figure(line.averageInUse)} ${line.unit.replace("-minutes", "")} in use on average)`;
  return `${figure(line.quantity)} ${line.unit}${average}`;
}

export function renderUsageReport(report: UsageReport): string {
  const { cost } = report;
  const plan = RAILWAY_PLANS[cost.plan];
  const width = Math.max(...cost.byMeasurement.map((line) => line.label.length));
  const lines = [
    `Railway's estimate for the billing period, workspace ${report.workspaceId} (estimatedUsage, read-only; priced at the ${cost.plan} plan's rates)`,
    "",
    ...cost.byMeasurement.map(
      (line) =>
        `  ${line.label.padEnd(width)}  ${formatUsd(line.usd).padStart(9)}  ${describeQuantity(line)}`,
    ),
    "",
    `Usage ${formatUsd(cost.usageUsd)}; bill ${formatUsd(cost.billUsd)} (${cost.plan}: the ${formatUsd(plan.subscription.value)} subscription includes ${formatUsd(plan.includedUsage.value)} of usage).`,
  ];
  if (report.projects.length > 0) {
    lines.push(
      `By project: ${report.projects.map((project) => `${project.name ?? `deleted project ${project.projectId}`} ${formatUsd(project.usd)}`).join("; ")}.`,
    );
  }
  lines.push(
    `Budget ${formatUsd(report.budgetUsd)}: ${report.budgets.map((budget) => `${budget.stack} budget.monthlyUsd ${formatUsd(budget.monthlyUsd)}`).join(" + ")} (one workspace, one bill).`,
  );
  const [largest] = cost.byMeasurement;
  if (report.overBudget && largest) {
    lines.push(
      `Over budget by ${formatUsd(cost.billUsd - report.budgetUsd)}. The largest is ${largest.label} (${largest.measurement}): ${formatUsd(largest.usd)}, ${describeQuantity(largest)}. ` +
        "Lower the services' limits or usage (railway.<role> in the stack files), or raise budget.monthlyUsd.",
      "Exit 1: Railway expects the workspace to cost more than the budgets.",
    );
  } else {
    lines.push(`Exit 0: within budget (${formatUsd(report.budgetUsd - cost.billUsd)} to spare).`);
  }
  return lines.join("\n");
}
