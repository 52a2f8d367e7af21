import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { ProviderInput } from "../../src/config/ai-entities.ts";
import { sealProviderKeys } from "../../src/config/provider-keys.ts";
import { rotateSecrets } from "../../src/control/rotate-secrets.ts";
import { SecretBox } from "../../src/core/secrets.ts";
import type { EntityData, Store } from "../../src/store/store.ts";
import { type TestDatabase, availableBackends } from "../store/backends.ts";

const oldBox = new SecretBox(Buffer.alloc(32, 1));
const newBox = new SecretBox(Buffer.alloc(32, 2));

function provider(name: string, keys: { name: string; secret?: string; session_token?: string }[], box: SecretBox): EntityData<"providers"> {
  const input = ProviderInput.parse({ name, kind: "bedrock", keys });
  return { ...input, keys: sealProviderKeys(input.keys, [], box) };
}

for (const backend of await availableBackends()) {
  describe(`rotateSecrets (${backend.name})`, () => {
    let db: TestDatabase;
    let store: Store;
    beforeEach(async () => {
      db = await backend.fresh();
      store = db.store;
    });
    afterEach(async () => {
      await db.dispose();
    });

    test("re-encrypts every secret and session token under the new key, in one revision", async () => {
      await store.create("providers", provider("a", [{ name: "k1", secret: "secret-one-aaaa", session_token: "token-one" }, { name: "k2", secret: "secret-two-bbbb" }], oldBox));
      await store.create("providers", provider("b", [{ name: "k", secret: "secret-three-cccc" }], oldBox));
      await store.create("providers", provider("keyless", [{ name: "none" }], oldBox));
      const before = await store.revision();
      expect(await rotateSecrets(store, oldBox, newBox)).toEqual({ providers: 2, credentials: 0, values: 4 });
      expect(await store.revision()).toBe(before + 1);
      const a = (await store.getByName("providers", "a"))!;
      expect(newBox.decrypt(a.keys[0]!.secret_enc!)).toBe("secret-one-aaaa");
      expect(newBox.decrypt(a.keys[0]!.session_token_enc!)).toBe("token-one");
      expect(newBox.decrypt(a.keys[1]!.secret_enc!)).toBe("secret-two-bbbb");
      expect(a.keys[0]!.secret_hint).toBe("****aaaa");
      expect(() => oldBox.decrypt(a.keys[0]!.secret_enc!)).toThrow(/another master key/);
      expect(newBox.decrypt((await store.getByName("providers", "b"))!.keys[0]!.secret_enc!)).toBe("secret-three-cccc");

      // Again with the same keys: nothing left to move, nothing written.
      expect(await rotateSecrets(store, oldBox, newBox)).toEqual({ providers: 0, credentials: 0, values: 0 });
      expect(await store.revision()).toBe(before + 1);
    });

    test("a secret neither key can read aborts the whole rotation", async () => {
      await store.create("providers", provider("good", [{ name: "k", secret: "readable-secret-1111" }], oldBox));
      await store.create("providers", provider("stranger", [{ name: "k", secret: "foreign-secret-2222" }], new SecretBox(Buffer.alloc(32, 3))));
      const good = await store.getByName("providers", "good");
      const before = await store.revision();
      await expect(rotateSecrets(store, oldBox, newBox)).rejects.toThrow(/stranger/);
      expect(await store.revision()).toBe(before);
      expect(await store.getByName("providers", "good")).toEqual(good);
    });
  });
}
