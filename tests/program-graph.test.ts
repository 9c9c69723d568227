import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");

/** Every file `src/index.ts` reaches through its imports, and the packages those files import. */
function programGraph(): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const { fileName: specifier } of ts.preProcessFile(readFileSync(file, "utf8"), true, true)
      .importedFiles) {
      if (specifier.startsWith(".")) {
        const base = path.resolve(path.dirname(file), specifier);
        const target = [`${base}.ts`, path.join(base, "index.ts")].find((candidate) =>
          existsSync(candidate),
        );
        if (!target)
          throw new Error(
            `${path.relative(ROOT, file)} imports ${specifier}, which resolves to no .ts file`,
          );
        visit(target);
      } else if (!specifier.startsWith("node:")) {
        packages.add(
          specifier.startsWith("@")
            ? specifier.split("/").slice(0, 2).join("/")
            : (specifier.split("/")[0] as string),
        );
      }
    }
  };
  visit(path.join(ROOT, "src/index.ts"));
  return {
    files: [...files].map((file) => path.relative(ROOT, file)).sort(),
    packages: [...packages].sort(),
  };
}

describe("the deployed program's import graph", () => {
  const graph = programGraph();
  const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };

  it("leaves out the tooling: src/offline and src/backups run from source, never from bin/", () => {
    expect(
      graph.files.filter(
        (file) => file.startsWith("src/offline/") || file.startsWith("src/backups/"),
      ),
    ).toEqual([]);
    expect(graph.files).toEqual(
      expect.arrayContaining(["src/stack.ts", "src/config.ts", "src/stack-file.ts"]),
    );
  });

  it("imports only packages the install for `pulumi up` has (dependencies, not devDependencies)", () => {
    expect(graph.packages.filter((name) => !(name in manifest.dependencies))).toEqual([]);
  });

  it("is what the build compiles: tsconfig.build.json starts from src/index.ts alone", () => {
    const build = JSON.parse(readFileSync(path.join(ROOT, "tsconfig.build.json"), "utf8")) as {
      files?: string[];
      include?: string[];
    };
    expect(build).toMatchObject({ files: ["src/index.ts"], include: [] });
  });
});
