import * as pulumi from "@pulumi/pulumi";
import * as neon from "@sst-provider/neon";
import { appDatabaseUrl, backupDatabaseUrl } from "./connection-strings";

/** The production database: a Neon project, usually adopted from the console. */
export interface NeonProjectSpec {
  readonly kind: "project";
  readonly projectName: string;
  readonly orgId: string;
  readonly regionId: string;
  readonly pgVersion: number;
  readonly historyRetentionSeconds: number;
  readonly computeProvisioner: string;
  readonly defaultBranch: { readonly name: string; readonly databaseName: string; readonly roleName: string };
  /** Id of an existing project to adopt (`import`) instead of creating one. */
  readonly adoptProjectId?: string;
}

/** A non-production database: a branch of the production project with its own compute. */
export interface NeonBranchSpec {
  readonly kind: "branch";
  readonly projectId: pulumi.Input<string>;
  readonly parentBranchId: pulumi.Input<string>;
  readonly branchName: string;
  readonly databaseName: pulumi.Input<string>;
  readonly roleName: pulumi.Input<string>;
}

export interface NeonDatabaseArgs {
  readonly database: NeonProjectSpec | NeonBranchSpec;
  /** Scheme of `appDatabaseUrl`. Defaults to "postgresql+asyncpg". */
  readonly appUrlScheme?: string;
  /** Explicit Neon provider (carrying the API key from config). Defaults to the stack's default provider. */
  readonly provider?: pulumi.ProviderResource;
}

interface Connection {
  projectId: pulumi.Output<string>;
  branchId: pulumi.Output<string>;
  host: pulumi.Output<string>;
  database: pulumi.Output<string>;
  user: pulumi.Output<string>;
  password: pulumi.Output<string>;
}

/**
 * A Postgres database on Neon and the two URLs the system needs: the app's
 * (asyncpg, no query string) and the backup job's (direct host, sslmode=require).
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
    const childOpts: pulumi.CustomResourceOptions = { parent: this, provider: args.provider };
    const connection =
      args.database.kind === "project"
        ? this.declareProject(name, args.database, childOpts)
        : this.declareBranch(name, args.database, childOpts);

    this.projectId = connection.projectId;
    this.branchId = connection.branchId;
    this.host = connection.host;
    this.database = connection.database;
    this.user = connection.user;
    this.password = pulumi.secret(connection.password);
    const parts = pulumi.all([connection.user, this.password, connection.host, connection.database]);
    this.appDatabaseUrl = pulumi.secret(
      parts.apply(([user, password, host, database]) => appDatabaseUrl(scheme, { user, password, host, database })),
    );
    this.backupDatabaseUrl = pulumi.secret(
      parts.apply(([user, password, host, database]) => backupDatabaseUrl({ user, password, host, database })),
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

  private declareProject(name: string, spec: NeonProjectSpec, opts: pulumi.CustomResourceOptions): Connection {
    const project = new neon.Project(
      `${name}-project`,
      {
        name: spec.projectName,
        orgId: spec.orgId,
        regionId: spec.regionId,
        pgVersion: spec.pgVersion,
        // The provider sends 86400 when this is unset, which the Free plan rejects.
        historyRetentionSeconds: spec.historyRetentionSeconds,
        computeProvisioner: spec.computeProvisioner,
        storePassword: "yes",
        branch: {
          name: spec.defaultBranch.name,
          databaseName: spec.defaultBranch.databaseName,
          roleName: spec.defaultBranch.roleName,
        },
      },
      {
        ...opts,
        protect: true,
        import: spec.adoptProjectId,
        // `branch` only shapes the project's creation, yet the provider marks it
        // force-new: a drift there must never plan a replacement of the live
        // database (kislerdm/terraform-provider-neon#179).
        ignoreChanges: ["branch"],
      },
    );
    return {
      projectId: project.id,
      branchId: project.defaultBranchId,
      host: project.databaseHost,
      database: project.databaseName,
      user: project.databaseUser,
      password: project.databasePassword,
    };
  }

  private declareBranch(name: string, spec: NeonBranchSpec, opts: pulumi.CustomResourceOptions): Connection {
    const branch = new neon.Branch(
      `${name}-branch`,
      { projectId: spec.projectId, parentId: spec.parentBranchId, name: spec.branchName },
      opts,
    );
    const endpoint = new neon.Endpoint(
      `${name}-endpoint`,
      { projectId: spec.projectId, branchId: branch.id, type: "read_write" },
      opts,
    );
    // A branch inherits the parent's roles; Neon reveals this branch's copy of the
    // password once the branch has a compute.
    const password = neon.getBranchRolePasswordOutput(
      { projectId: spec.projectId, branchId: branch.id, roleName: spec.roleName },
      { parent: this, provider: opts.provider, dependsOn: [endpoint] },
    ).password;
    return {
      projectId: pulumi.output(spec.projectId),
      branchId: branch.id,
      host: endpoint.host,
      database: pulumi.output(spec.databaseName),
      user: pulumi.output(spec.roleName),
      password,
    };
  }
}
