import { describe, expect, it } from "vitest";
import { dumpKey, dumpStartedAt, listPrefix } from "../../src/backups/dump-key";

describe("the template's object keys", () => {
  const at = new Date("2026-12-01T06:00:03.123Z");
  it("are [subfolder/]prefix-<ISO time with : and . as ->.tar.gz", () => {
    expect(dumpKey({ filePrefix: "backup" }, at)).toBe("backup-2026-12-01T06-00-03-123Z.tar.gz");
    expect(dumpKey({ subfolder: "/neon/", filePrefix: "db" }, at)).toBe(
      "neon/db-2026-12-01T06-00-03-123Z.tar.gz",
    );
    expect(listPrefix({ subfolder: "neon", filePrefix: "db" })).toBe("neon/db-");
  });
  it("give back the dump's start time, and nothing for keys the template did not write", () => {
    expect(
      dumpStartedAt({ filePrefix: "backup" }, "backup-2026-12-01T06-00-03-123Z.tar.gz"),
    ).toEqual(at);
    expect(dumpStartedAt({ filePrefix: "backup" }, "backup-latest.tar.gz")).toBeUndefined();
    expect(
      dumpStartedAt({ filePrefix: "backup" }, "other-2026-12-01T06-00-03-123Z.tar.gz"),
    ).toBeUndefined();
  });
});
