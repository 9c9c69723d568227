import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  buildClientSchema,
  NoDeprecatedCustomRule,
  parse,
  specifiedRules,
  validate,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import * as operations from "../../src/railway/operations";
import { describeWithRailwaySchema, railwaySchema } from "../../test-support/railway-harness";

const schemaFile = railwaySchema();

const all: [string, { name: string; document: string; response: (zod: typeof z) => unknown }][] =
  Object.entries(operations);

describeWithRailwaySchema(
  `Railway operations against ${schemaFile ? path.basename(schemaFile) : "its schema"}`,
  () => {
    let schema: GraphQLSchema;
    beforeAll(() => {
      schema = buildClientSchema(
        (
          JSON.parse(readFileSync(schemaFile ?? "", "utf8")) as {
            data: Parameters<typeof buildClientSchema>[0];
          }
        ).data,
      );
    });

    it.each(all)("%s is valid and uses no deprecated field", (_constant, operation) => {
      const document = parse(operation.document);
      const errors = validate(schema, document, [...specifiedRules, NoDeprecatedCustomRule]);
      expect(errors.map((error) => error.message)).toEqual([]);
      const definitions = document.definitions.filter(
        (d): d is OperationDefinitionNode => d.kind === "OperationDefinition",
      );
      expect(definitions.map((d) => d.name?.value)).toEqual([operation.name]);
    });
  },
);

describe("the validation itself", () => {
  it.skipIf(!schemaFile)("rejects an unknown field and a deprecated one", () => {
    const schema = buildClientSchema(
      (
        JSON.parse(readFileSync(schemaFile ?? "", "utf8")) as {
          data: Parameters<typeof buildClientSchema>[0];
        }
      ).data,
    );
    const rules = [...specifiedRules, NoDeprecatedCustomRule];
    expect(
      validate(schema, parse("query A($id: String!) { project(id: $id) { labels } }"), rules),
    ).toHaveLength(1);
    expect(
      validate(schema, parse("query B($id: String!) { project(id: $id) { teamId } }"), rules)[0]
        ?.message,
    ).toContain("deprecated");
  });
});
