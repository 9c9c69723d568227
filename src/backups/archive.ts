import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import {
  createReadStream,
  createWriteStream,
  openSync,
  readSync,
  closeSync,
  fstatSync,
} from "node:fs";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { createGunzip } from "node:zlib";

const run = promisify(execFile);

/** Writes a download to `file`, hashing it on the way. */
export async function saveWithSha256(
  body: Readable,
  file: string,
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(body, tap, createWriteStream(file));
  return { sha256: hash.digest("hex"), bytes };
}

/** Decompresses the whole archive; a cut-off gzip stream rejects ("unexpected end of file"). */
export async function gunzipTo(gzFile: string, tarFile: string): Promise<void> {
  await pipeline(createReadStream(gzFile), createGunzip(), createWriteStream(tarFile));
}

export interface TarMember {
  readonly name: string;
  readonly size: number;
}

export interface TarWalk {
  readonly members: readonly TarMember[];
  /** Why the archive is incomplete, when it is. */
  readonly problem?: string;
}

const BLOCK = 512;

/**
 * Walks the ustar headers: every member's data must be there and the archive must end with its
 * end-of-archive blocks. `pg_restore --list` reads only `toc.dat`, the first member, so a dump
 * that died half-way behind a gzip that closed cleanly lists fine; this finds it.
 */
export function walkTar(tarFile: string): TarWalk {
  const fd = openSync(tarFile, "r");
  try {
    const total = fstatSync(fd).size;
    const header = Buffer.alloc(BLOCK);
    const members: TarMember[] = [];
    let offset = 0;
    while (offset + BLOCK <= total) {
      readSync(fd, header, 0, BLOCK, offset);
      if (header.every((byte) => byte === 0)) return { members };
      const name = header.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
      const size = parseInt(
        header.subarray(124, 136).toString("ascii").replace(/\0.*$/s, "").trim() || "0",
        8,
      );
      if (!Number.isFinite(size))
        return { members, problem: `member header at byte ${offset} is not a tar header` };
      const end = offset + BLOCK + Math.ceil(size / BLOCK) * BLOCK;
      if (offset + BLOCK + size > total) {
        return {
          members,
          problem: `member ${name} is cut off (${size} bytes declared, ${Math.max(0, total - offset - BLOCK)} present)`,
        };
      }
      members.push({ name, size });
      offset = end;
    }
    return { members, problem: "the archive ends without its end-of-archive blocks" };
  } finally {
    closeSync(fd);
  }
}

export interface TableOfContents {
  readonly entries: number;
  /** `TABLE` entries: the tables the dump creates. */
  readonly tables: number;
  readonly dumpedFrom?: string;
  readonly dumpedBy?: string;
}

/** Runs `pg_restore --list` on the tar archive and reads its header and entries. */
export async function readTableOfContents(
  pgRestore: string,
  tarFile: string,
): Promise<TableOfContents> {
  const { stdout } = await run(pgRestore, ["--list", tarFile], { maxBuffer: 64 * 1024 * 1024 });
  const lines = stdout.split("\n");
  const entries = lines.filter((line) => /^\d+;/.test(line));
  const header = (label: string) =>
    lines
      .map((line) => new RegExp(`^;\\s+${label}:\\s*(.+)$`).exec(line)?.[1]?.trim())
      .find(Boolean);
  return {
    entries: entries.length,
    tables: entries.filter((line) => /^\d+; \d+ \d+ TABLE (?!DATA )/.test(line)).length,
    dumpedFrom: header("Dumped from database version"),
    dumpedBy: header("Dumped by pg_dump version"),
  };
}

/** "15.18 (Debian 15.18-0+deb12u1)" or "pg_restore (PostgreSQL) 17.2" → 15 / 17. */
export function majorVersion(text: string | undefined): number | undefined {
  const match = /(\d+)(?:\.\d+)?/.exec(text?.replace(/^[^\d]*/, "") ?? "");
  return match ? Number(match[1]) : undefined;
}

/** `pg_restore --version` and the like, as printed. */
export async function toolVersion(tool: string): Promise<string> {
  const { stdout } = await run(tool, ["--version"]);
  return stdout.trim();
}
