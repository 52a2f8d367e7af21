/** The lifecycle step rules and the diff's field paths, as plain functions. */
import { expect, test } from "bun:test";
import { LIFECYCLE_STATES, type LifecycleState } from "../../src/config/entities.ts";
import { acceptsFallback, checkTransition, isServed, lifecycleOf } from "../../src/lifecycle/states.ts";
import { diffCollection, fieldChanges } from "../../src/releases/diff.ts";

const ALLOWED = new Set(["draft>published", "published>deprecated", "deprecated>retired", "deprecated>published", "retired>deprecated"]);

test("every pair of states: the four forward steps and two steps back are allowed, staying put is a no-op, the rest 409", () => {
  for (const from of LIFECYCLE_STATES) {
    for (const to of LIFECYCLE_STATES) {
      const step = () => checkTransition(from, to);
      if (from === to || ALLOWED.has(`${from}>${to}`)) expect(step).not.toThrow();
      else expect(step).toThrow(expect.objectContaining({ code: "invalid_transition", status: 409 }));
    }
  }
});

test("no lifecycle reads as published; only drafts are unrouted; only published and deprecated services take fallback traffic", () => {
  expect(lifecycleOf({})).toBe("published");
  const served = (s: LifecycleState | undefined) => isServed(s === undefined ? {} : { lifecycle: s });
  expect([undefined, ...LIFECYCLE_STATES].map(served)).toEqual([true, false, true, true, true]);
  expect(LIFECYCLE_STATES.map((s) => acceptsFallback({ lifecycle: s }))).toEqual([false, true, true, false]);
});

test("field changes: nested paths, array items by index, arrays of another length whole, timestamps ignored", () => {
  expect(fieldChanges({ a: { b: 1, c: [1, 2] }, updated_at: "x" }, { a: { b: 2, c: [1, 3] }, updated_at: "y" })).toEqual([
    { path: "a.b", before: 1, after: 2 },
    { path: "a.c.1", before: 2, after: 3 },
  ]);
  expect(fieldChanges({ paths: ["/a"] }, { paths: ["/a", "/b"] })).toEqual([{ path: "paths", before: ["/a"], after: ["/a", "/b"] }]);
  expect(fieldChanges({ gone: 1 }, { added: true })).toEqual([
    { path: "added", before: null, after: true },
    { path: "gone", before: 1, after: null },
  ]);
  expect(fieldChanges({ same: { deep: [1] } }, { same: { deep: [1] } })).toEqual([]);
});

test("collections are matched by id: a rename is a change, not a removal and an addition", () => {
  const d = diffCollection([{ id: "1", name: "old" }, { id: "2", name: "gone" }], [{ id: "1", name: "new" }, { id: "3", name: "fresh" }]);
  expect(d).toEqual({
    added: [{ id: "3", name: "fresh" }],
    removed: [{ id: "2", name: "gone" }],
    changed: [{ id: "1", name: "new", changes: [{ path: "name", before: "old", after: "new" }] }],
  });
});
