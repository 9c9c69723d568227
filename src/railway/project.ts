import * as pulumi from "@pulumi/pulumi";
import type { RailwayClient } from "./client";
import {
  PROJECT,
  PROJECT_CREATE,
  PROJECT_DELETE,
  PROJECT_UPDATE,
  PROJECTS_IN_WORKSPACE,
} from "./operations";
import {
  failure,
  findOrCreate,
  PROVIDER_VERSION,
  RailwayProvider,
  unlessNotFound,
  type DiffKeys,
} from "./provider";
import { RailwayResource } from "./resource";

export interface ProjectInputs {
  name: string;
  /**
   * Workspace to create the project in. Omitted, the project must already exist among those the
   * token can see (Railway's `projects` without a workspace: "all projects for a user or workspace").
   */
  workspaceId?: string;
  description?: string;
  /** Name of the environment Railway creates with the project. Only read on create. */
  defaultEnvironmentName: string;
  providerVersion: string;
}

export interface ProjectOutputs extends ProjectInputs {
  projectId: string;
  defaultEnvironmentId: string;
  /** Found by name rather than created: destroy then never deletes it. */
  adopted: boolean;
}

type ProjectNode = {
  id: string;
  name: string;
  description: string | null;
  environments: { edges: { node: { id: string; name: string } }[] };
};

/**
 * The default environment keeps the id it had while that environment exists,
 * even if renamed: everything downstream is keyed on it.
 */
function outputsOf(
  inputs: ProjectInputs,
  project: ProjectNode,
  adopted: boolean,
  previousDefaultId?: string,
): ProjectOutputs {
  const environments = project.environments.edges.map((edge) => edge.node);
  const defaultEnvironment =
    environments.find((env) => env.id === previousDefaultId) ??
    environments.find((env) => env.name === inputs.defaultEnvironmentName);
  if (!defaultEnvironment) {
    throw new Error(
      `Railway project "${project.name}" (${project.id}) has no environment named "${inputs.defaultEnvironmentName}"; ` +
        `it has ${environments.map((env) => `"${env.name}"`).join(", ") || "none"}. Set defaultEnvironmentName to one of them.`,
    );
  }
  return {
    ...inputs,
    name: project.name,
    projectId: project.id,
    defaultEnvironmentId: defaultEnvironment.id,
    adopted,
  };
}

/** Every live project of that name the token can see (in the workspace, when one is given). */
export async function projectsNamed(
  client: RailwayClient,
  name: string,
  workspaceId: string | undefined,
) {
  const { projects } = await client.request(PROJECTS_IN_WORKSPACE, { workspaceId });
  return projects.edges
    .map((edge) => edge.node)
    .filter((node) => node.name === name && !node.deletedAt);
}

/** Two projects of one name: adopting either could configure the wrong one. */
export function ambiguousProjectError(
  name: string,
  found: readonly { id: string; workspaceId: string | null }[],
): Error {
  return new Error(
    `The Railway token sees ${found.length} projects named "${name}" (${found.map((p) => `${p.id} in workspace ${p.workspaceId ?? "?"}`).join(", ")}): ` +
      "rename or delete the one that is not this app's in the dashboard, or set railway.workspaceId to the workspace of the right one.",
  );
}

/**
 * Railway project: projectCreate / project / projectUpdate / projectDelete;
 * adopted by name within the workspace, and an adopted project is never deleted.
 * Railway limits project creation (about one per 30 s): the client retries that throttle.
 */
export class ProjectProvider extends RailwayProvider<ProjectInputs, ProjectOutputs> {
  // The workspace only says where to look for or create the project: a project never moves.
  protected readonly diffKeys = {
    replace: [],
    update: ["name", "description"],
  } satisfies DiffKeys<ProjectInputs>;

  protected checkFailures(news: ProjectInputs): pulumi.dynamic.CheckFailure[] {
    const failures = [];
    if (!news.name?.trim()) failures.push(failure("name", "a project name is required"));
    if (news.workspaceId !== undefined && !news.workspaceId.trim())
      failures.push(
        failure("workspaceId", "must not be empty; omit it to adopt an existing project"),
      );
    if (!news.defaultEnvironmentName?.trim())
      failures.push(failure("defaultEnvironmentName", "must not be empty"));
    return failures;
  }

  async create(inputs: ProjectInputs): Promise<pulumi.dynamic.CreateResult<ProjectOutputs>> {
    const client = this.client();
    const { value: project, adopted } = await findOrCreate(
      async () => {
        const found = await projectsNamed(client, inputs.name, inputs.workspaceId);
        if (found.length > 1) throw ambiguousProjectError(inputs.name, found);
        return found[0];
      },
      async () => {
        if (!inputs.workspaceId) {
          throw new Error(
            `Railway project "${inputs.name}" is not among the projects this token can see, and no workspace id is set to create it. ` +
              "Check the name against the dashboard (railway.projectName), or set railway.workspaceId to create the project.",
          );
        }
        return (
          await client.request(PROJECT_CREATE, {
            input: {
              name: inputs.name,
              workspaceId: inputs.workspaceId,
              description: inputs.description,
              defaultEnvironmentName: inputs.defaultEnvironmentName,
            },
          })
        ).projectCreate;
      },
    );
    const current =
      inputs.description !== undefined && (project.description ?? undefined) !== inputs.description
        ? (
            await client.request(PROJECT_UPDATE, {
              id: project.id,
              input: { description: inputs.description },
            })
          ).projectUpdate
        : project;
    return { id: project.id, outs: outputsOf(inputs, current, adopted) };
  }

  protected async readLive(
    id: string,
    props?: ProjectOutputs,
  ): Promise<ProjectOutputs | undefined> {
    const found = await unlessNotFound(this.client().request(PROJECT, { id }));
    if (!found || found.project.deletedAt) return undefined;
    const { project } = found;
    const live: ProjectInputs = {
      name: project.name,
      workspaceId: props?.workspaceId,
      description: project.description ?? undefined,
      defaultEnvironmentName: props?.defaultEnvironmentName ?? "production",
      providerVersion: props?.providerVersion ?? PROVIDER_VERSION,
    };
    return outputsOf(live, project, props?.adopted ?? true, props?.defaultEnvironmentId);
  }

  async update(
    id: string,
    olds: ProjectOutputs,
    news: ProjectInputs,
  ): Promise<pulumi.dynamic.UpdateResult<ProjectOutputs>> {
    if (olds.name === news.name && olds.description === news.description) {
      return {
        outs: {
          ...news,
          projectId: olds.projectId,
          defaultEnvironmentId: olds.defaultEnvironmentId,
          adopted: olds.adopted,
        },
      };
    }
    const { projectUpdate } = await this.client().request(PROJECT_UPDATE, {
      id,
      input: { name: news.name, description: news.description },
    });
    return { outs: outputsOf(news, projectUpdate, olds.adopted, olds.defaultEnvironmentId) };
  }

  protected async deleteOwned(id: string): Promise<void> {
    await unlessNotFound(this.client().request(PROJECT_DELETE, { id }));
  }
}

export interface ProjectArgs {
  readonly name: pulumi.Input<string>;
  /** Needed only to create the project; omitted, an existing project is adopted by name. */
  readonly workspaceId?: pulumi.Input<string>;
  readonly description?: pulumi.Input<string>;
  /** Defaults to "production". */
  readonly defaultEnvironmentName?: pulumi.Input<string>;
}

export class Project extends RailwayResource {
  private static readonly provider = new ProjectProvider();

  declare readonly projectId: pulumi.Output<string>;
  declare readonly defaultEnvironmentId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: ProjectArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      Project.provider,
      "Project",
      name,
      { ...args, defaultEnvironmentName: args.defaultEnvironmentName ?? "production" },
      { outputs: ["projectId", "defaultEnvironmentId", "adopted"] },
      opts,
    );
  }
}
