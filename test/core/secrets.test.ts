import { expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadMasterKey, SecretBox, secretHint } from "../../src/core/secrets.ts";

test("round-trips, uses a fresh nonce each time, and detects tampering", () => {
  const box = new SecretBox(Buffer.alloc(32, 7));
  const a = box.encrypt("sk-live-123456789");
  const b = box.encrypt("sk-live-123456789");
  expect(a).not.toBe(b);
  expect(a).not.toContain("sk-live");
  expect(box.decrypt(a)).toBe("sk-live-123456789");
  const parts = a.split(":");
  const body = Buffer.from(parts[3]!, "base64");
  body[0]! ^= 1;
  expect(() => box.decrypt([...parts.slice(0, 3), body.toString("base64")].join(":"))).toThrow();
});

test("a value from another master key is refused, not garbled", () => {
  const stored = new SecretBox(Buffer.alloc(32, 1)).encrypt("x");
  expect(() => new SecretBox(Buffer.alloc(32, 2)).decrypt(stored)).toThrow(/another master key/);
});

test("the key file is generated once with mode 0600, and the environment wins", () => {
  const dir = mkdtempSync(join(tmpdir(), "waygate-key-"));
  try {
    const file = join(dir, "sub", "master.key");
    const k1 = loadMasterKey(file, {});
    expect(k1.length).toBe(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadMasterKey(file, {}).equals(k1)).toBe(true);
    const env = Buffer.alloc(32, 9).toString("base64");
    expect(loadMasterKey(file, { WAYGATE_MASTER_KEY: env }).equals(Buffer.alloc(32, 9))).toBe(true);
    expect(() => loadMasterKey(file, { WAYGATE_MASTER_KEY: "c2hvcnQ=" })).toThrow();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("hints show at most the last four characters", () => {
  expect(secretHint("sk-abcdefghijkl")).toBe("****ijkl");
  expect(secretHint("short")).toBe("****");
});
