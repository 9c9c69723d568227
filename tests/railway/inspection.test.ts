import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { ReadOnlyRailwayClient } from "../../src/railway/inspection";
import { PROJECT_SERVICES, SERVICE_CREATE } from "../../src/railway/operations";

describe("ReadOnlyRailwayClient", () => {
  it("refuses a mutation before sending anything, and sends queries", async () => {
    let received = 0;
    const server = createServer((_request, response) => {
      received++;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ data: { project: { services: { edges: [] } } } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql/v2`;
      const client = new ReadOnlyRailwayClient({ token: "t", tokenSource: "test", endpoint });
      await expect(
        client.request(SERVICE_CREATE, { input: { projectId: "p", name: "x" } }),
      ).rejects.toThrow("this check is read-only and refused to send mutation ServiceCreate");
      expect(received).toBe(0);
      await expect(client.request(PROJECT_SERVICES, { id: "p" })).resolves.toEqual({
        project: { services: { edges: [] } },
      });
      expect(received).toBe(1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
