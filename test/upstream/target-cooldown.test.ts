import { expect, test } from "bun:test";
import { UpstreamInput } from "../../src/config/entities.ts";
import { FakeClock } from "../../src/core/clock.ts";
import { TargetRegistry, UpstreamRuntime } from "../../src/upstream/upstream-runtime.ts";

test("a cooled-down target leaves rotation and returns by itself when the time is up", () => {
  const clock = new FakeClock();
  const up = { ...UpstreamInput.parse({ name: "u", targets: [{ url: "http://a" }, { url: "http://b" }] }), id: "u1", created_at: "", updated_at: "" };
  const rt = new UpstreamRuntime(up, new TargetRegistry(), clock);
  const [a, b] = rt.targets;
  a!.coolDown(clock.now() + 5000, "429 rate limited");
  a!.coolDown(clock.now() + 1000, "shorter does not shorten");
  for (let i = 0; i < 10; i++) {
    const sel = rt.select({ tried: new Set() });
    expect(sel.ok && sel.target).toBe(b!);
    if (sel.ok) rt.report(sel.target, { kind: "response", status: 200, durationMs: 1 });
  }
  expect(a!.view().cooldown?.reason).toBe("429 rate limited");
  b!.coolDown(clock.now() + 3000, "401");
  const none = rt.select({ tried: new Set() });
  expect(none.ok).toBe(false);
  if (!none.ok) expect(none.retryAfterMs).toBe(3000);
  clock.advance(5000);
  expect(a!.available()).toBe(true);
  expect(a!.view().cooldown).toBeNull();
});
