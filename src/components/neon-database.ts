import * as pulumi from "@pulumi/pulumi";
import * as neon from "@sst-provider/neon";
import { appDatabaseUrl, backupDatabaseUrl, requireConnectionParts } from "./connection-strings";

/** A stack's own Neon project: production adopts the console's; staging creates its own. */
export interface NeonProjectSpec {
  /** Project name as shown in the Neon console; on adoption, copy it exactly (docs/adoption.md, step 3). */
  readonly projectName: string;
  readonly orgId: string;
  /** Force-new. */
  readonly regionId: string;
  /** Force-new. */
  readonly pgVersion: number;
  /** Always sent: the provider would otherwise send 86400, which the Free plan rejects. */
  readonly historyRetentionSeconds: number;
  /** Autoscaling limits of the compute Neon creates with the project, and of later computes. */
  readonly compute: { readonly minCu: number; readonly maxCu: number };
  /**
   * Default branch, database and owner role of a project the program creates. Not sent for an
   * adopted project, whose branch keeps its own name (console projects call it `production`).
   * Defaults to main / neondb / neondb_owner.
   */
  readonly defaultBranch?: {
    readonly name: string;
    readonly databaseName: string;
    readonly roleName: string;
  };
  /** Id of an existing project to adopt (`import`) instead of creating one. */
  readonly adoptProjectId?: string;
}

export interface NeonDatabaseArgs {
  readonly project: NeonProjectSpec;
  /** Scheme of `appDatabaseUrl`. Defaults to "postgresql+asyncpg". */
  readonly appUrlScheme?: string;
  /** Explicit Neon provider (carrying the API key from config). Defaults to the stack's default provider. */
  readonly provider?: pulumi.ProviderResource;
}

const DEFAULT_BRANCH = { name: "main", databaseName: "neondb", roleName: "neondb_owner" } as const;

/**
 * Inputs the provider (0.13.0) reads back but never sends on update (`resourceProjectUpdate`
 * omits them), so a difference there would be a diff `up` can never clear; `branch` only shapes
 * the project's creation, yet the provider marks it force-new, and a drift there must never plan
 * a replacement of the live database (kislerdm/terraform-provider-neon#179).
 */
const NEON_PROJECT_IGNORED_CHANGES = ["branch", "computeProvisioner", "storePassword"] as const;

/**
 * A Neon project (Postgres database) and the two URLs the system needs: the app's (asyncpg,
 * no query string) and the backup job's (direct host, sslmode=require). Every credential comes
 * from this project's own outputs; an empty one fails the deploy.
 */
export class NeonDatabase extends pulumi.ComponentResource {
  public readonly projectId: pulumi.Output<string>;
  public readonly branchId: pulumi.Output<string>;
  /** Direct (non-pooler) host of the read-write compute. */
  public readonly host: pulumi.Output<string>;
  public readonly database: pulumi.Output<string>;
  public readonly user: pulumi.Output<string>;
  public readonly password: pulumi.Output<string>;
  public readonly appDatabaseUrl: pulumi.Output<string>;
  public readonly backupDatabaseUrl: pulumi.Output<string>;

  constructor(name: string, args: NeonDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("client-fulfillment:database:NeonDatabase", name, {}, opts);
    const scheme = args.appUrlScheme ?? "postgresql+asyncpg";
    const spec = args.project;
    const adopting = spec.adoptProjectId !== undefined;
    const branch = spec.defaultBranch ?? DEFAULT_BRANCH;
    const project = new neon.Project(
      `${name}-project`,
      {
        name: spec.projectName,
        orgId: spec.orgId,
        regionId: spec.regionId,
        pgVersion: spec.pgVersion,
        historyRetentionSeconds: spec.historyRetentionSeconds,
        // Scale-to-zero is left to the plan (fixed at 5 min on Free, where Neon refuses a change).
        defaultEndpointSettings: {
          autoscalingLimitMinCu: spec.compute.minCu,
          autoscalingLimitMaxCu: spec.compute.maxCu,
        },
        branch: adopting
          ? undefined
          : { name: branch.name, databaseName: branch.databaseName, roleName: branch.roleName },
      },
      {
        parent: this,
        provider: args.provider,
        protect: true,
        import: spec.adoptProjectId,
        ignoreChanges: [...NEON_PROJECT_IGNORED_CHANGES],
      },
    );

    const source = `Neon project "${spec.projectName}" (${name}-project)`;
    const parts = pulumi
      .all([
        project.databaseUser,
        project.databasePassword,
        project.databaseHost,
        project.databaseName,
      ])
      .apply(([user, password, host, database]) =>
        requireConnectionParts(source, { user, password, host, database }),
      );

    this.projectId = project.id;
    this.branchId = project.defaultBranchId;
    this.host = project.databaseHost;
    this.database = project.databaseName;
    this.user = project.databaseUser;
    this.password = pulumi.secret(parts.apply((checked) => checked.password));
    this.appDatabaseUrl = pulumi.secret(
      parts.apply((checked) => appDatabaseUrl(scheme, checked, source)),
    );
    this.backupDatabaseUrl = pulumi.secret(
      parts.apply((checked) => backupDatabaseUrl(checked, source)),
    );
    this.registerOutputs({
      projectId: this.projectId,
      branchId: this.branchId,
      host: this.host,
      database: this.database,
      user: this.user,
      password: this.password,
      appDatabaseUrl: this.appDatabaseUrl,
      backupDatabaseUrl: this.backupDatabaseUrl,
    });
  }
}
