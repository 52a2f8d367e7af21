import { describe, expect, test } from "bun:test";
import { luhnValid, ibanValid } from "../../src/policies/data-masking/checksums.ts";
import { maskBody } from "../../src/policies/data-masking/body.ts";
import { type Masker, compileMasker } from "../../src/policies/data-masking/masker.ts";
import { type MaskerConfigInput, maskerConfigSchema } from "../../src/policies/data-masking/masker-schema.ts";

function masker(config: MaskerConfigInput = {}): Masker {
  return compileMasker(maskerConfigSchema.parse(config));
}

const all = masker();
const masked = (text: string, m: Masker = all) => m.mask(text).text;
const R = (type: string) => `[REDACTED:${type}]`;

/** Each detector alone, so a hit is attributed to the right one. */
function only(type: string): Masker {
  return masker({ detectors: [type as "email"] });
}

describe("email", () => {
  const m = only("email");
  test.each(["ann@example.com", "ann.lee+news@mail.example.co.uk", "X_Y-9@sub-domain.example.io"])("masks %s", (addr) => {
    expect(masked(`write to ${addr}, please`, m)).toBe(`write to ${R("email")}, please`);
  });
  test.each(["user@localhost", "@handle", "a@b", "ann@example.c", "not an email: foo at bar dot com", "name@@example.com"])("leaves %s", (text) => {
    expect(masked(text, m)).toBe(text);
  });
  test("hits carry the type and the span in the input", () => {
    expect(m.mask("to: ann@example.com").hits).toEqual([{ type: "email", start: 4, end: 19 }]);
  });
});

describe("phone", () => {
  const m = only("phone");
  test.each(["+1 415 555 2671", "+44 20 7946 0958", "+33612345678", "+49 (0)30 1234 5678", "+1-415-555-2671", "(415) 555-2671", "415.555.2671", "020 7946 0958", "06 12 34 56 78"])(
    "masks %s",
    (num) => {
      expect(masked(`call ${num} today`, m)).toBe(`call ${R("phone")} today`);
    },
  );
  test.each([
    "on 2024-01-15",
    "on 15/01/2024",
    "on 01.02.2024 12:30",
    "on 01 02 2024",
    "order 1234567890",
    "code 12345",
    "version 1.2.3",
    "host 192.168.1.1",
    "at 10:30",
    "call 911",
    "ids 123-456-7890",
    "+10 20 30",
    "total 3 + 4 = 7",
  ])("leaves %s", (text) => {
    expect(masked(text, m)).toBe(text);
  });
});

describe("credit_card", () => {
  const m = only("credit_card");
  test.each(["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "5555555555554444", "378282246310005", "3782 822463 10005", "6011 0009 9013 9424"])(
    "masks %s",
    (num) => {
      expect(masked(`card ${num}.`, m)).toBe(`card ${R("credit_card")}.`);
    },
  );
  test.each([
    "4111 1111 1111 1112", // Luhn fails
    "4111111111111112",
    "1234567890123456", // Luhn fails
    "1700000000000", // a millisecond timestamp: no issuer starts with 1
    "9999999999999995", // Luhn-valid, but no issuer starts with 9
    "4111 1111-1111 1111", // mixed separators
    "411111111111", // 12 digits
    "0.4111111111111111",
  ])("leaves %s", (text) => {
    expect(masked(text, m)).toBe(text);
  });
  test("a card number followed by another number is still found", () => {
    expect(masked("card 4111 1111 1111 1111 2024 exp", m)).toBe(`card ${R("credit_card")} 2024 exp`);
  });
  test("luhn", () => {
    expect(luhnValid("79927398713")).toBe(true);
    expect(luhnValid("79927398710")).toBe(false);
  });
});

describe("iban", () => {
  const m = only("iban");
  test.each(["DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32", "FR14 2004 1010 0505 0001 3M02 606", "NL91ABNA0417164300"])("masks %s", (iban) => {
    expect(masked(`pay to ${iban} now`, m)).toBe(`pay to ${R("iban")} now`);
  });
  test.each([
    "GB82 WEST 1234 5698 7654 33", // check digits fail
    "DE89 3704 0044 0532 0130", // too short for DE
    "XX89 3704 0044 0532 0130 00", // no such country
    "ABCD EFGH IJKL MNOP", // words
    "ISBN 9780 1234 5678 9",
  ])("leaves %s", (text) => {
    expect(masked(text, m)).toBe(text);
  });
  test("only the country's length is taken when words follow", () => {
    expect(masked("DE89 3704 0044 0532 0130 00 THEN DONE", m)).toBe(`${R("iban")} THEN DONE`);
  });
  test("mod 97", () => {
    expect(ibanValid("GB82WEST12345698765432")).toBe(true);
    expect(ibanValid("GB82WEST12345698765433")).toBe(false);
  });
});

describe("api_key", () => {
  const m = only("api_key");
  test.each([
    "sk-proj-abc123DEF456ghi789JKL0mnoPQR",
    "sk-ant-api03-abcdefghij1234567890XYZ_abc",
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
    "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
    "glpat-abcdefghij1234567890",
    "xoxb-1234567890-abcdefghijkl",
    "AIzaSyA1234567890abcdefghijklmnopqrstuv",
    "wg_AbCdEfGhIjKlMnOpQrStUvWxYz012345",
  ])("masks %s", (key) => {
    expect(masked(`key ${key} here`, m)).toBe(`key ${R("api_key")} here`);
  });
  test.each(["task-management-system-overview", "sk-learn", "risk-free-and-long-hyphenated-phrase", "AKIA is a prefix", "xoxb-without-digits-here", "ghp_short"])("leaves %s", (text) => {
    expect(masked(text, m)).toBe(text);
  });
});

describe("jwt", () => {
  const m = only("jwt");
  const token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
  test("masks a signed token", () => {
    expect(masked(`token ${token} end`, m)).toBe(`token ${R("jwt")} end`);
  });
  test("leaves look-alikes whose header is not a JOSE header", () => {
    const notJose = `${Buffer.from('{"x":1,"y":"zzzz"}').toString("base64url")}.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc`;
    expect(notJose.startsWith("eyJ")).toBe(true);
    expect(masked(notJose, m)).toBe(notJose);
    expect(masked("eyJ.eyJ.x", m)).toBe("eyJ.eyJ.x");
  });
});

describe("secret (name = value)", () => {
  const m = only("secret");
  test.each([
    ["password=hunter22", `password=${R("secret")}`],
    ["db_password: s3cr3t!x", `db_password: ${R("secret")}`],
    ['"api_key": "abcdef123"', `"api_key": "${R("secret")}"`],
    ["X-Api-Key: 0123456789abcdef", `X-Api-Key: ${R("secret")}`],
    ["?access_token=abc123def456&page=2", `?access_token=${R("secret")}&page=2`],
    ["Authorization: Bearer abcdefghijklmnopqrstuvwxyz012", `Authorization: Bearer ${R("secret")}`],
    ["client_secret = 'xyz987654'", `client_secret = '${R("secret")}'`],
  ])("masks %s", (input, output) => {
    expect(masked(input, m)).toBe(output);
  });
  test.each(["max_tokens=1000", "tokens: 12345678", "password reset link sent", "the secret to success", "pwd=abc", "author: Jane Austen"])("leaves %s", (text) => {
    expect(masked(text, m)).toBe(text);
  });
  test("maskField masks a value under a secret-looking name whatever it looks like", () => {
    expect(m.maskField("dbPassword", "x1").text).toBe(R("secret"));
    expect(m.maskField("refresh_token", "abc").text).toBe(R("secret"));
    expect(m.maskField("X-Api-Key", "k").text).toBe(R("secret"));
    expect(m.maskField("max_tokens", "5").text).toBe("5");
    expect(m.maskField("author", "Jane").text).toBe("Jane");
  });
});

describe("masker", () => {
  test("every detector in one text; overlapping matches resolve to the first", () => {
    const out = masked("mail ann@example.com, card 4111 1111 1111 1111, key=sk-proj-abc123DEF456ghi789JKL0mnoPQR, api_key=sk-proj-abc123DEF456ghi789JKL0mnoPQR");
    expect(out).toBe(`mail ${R("email")}, card ${R("credit_card")}, key=${R("api_key")}, api_key=${R("secret")}`);
  });

  test("only the configured detectors run", () => {
    const m = masker({ detectors: ["email"] });
    expect(masked("ann@example.com 4111 1111 1111 1111", m)).toBe(`${R("email")} 4111 1111 1111 1111`);
  });

  test("the replacement template is configurable", () => {
    const m = masker({ detectors: ["email"], replacement: "<{type} removed>" });
    expect(masked("to ann@example.com", m)).toBe("to <email removed>");
  });

  test("rules: pattern, flags, replacement with groups, default label", () => {
    const m = masker({
      detectors: [],
      rules: [
        { name: "employee", pattern: "emp-(\\d{2})\\d{4}", flags: "i", replacement: "EMP-$1****" },
        { name: "ticket", pattern: "TICKET-\\d+" },
        { name: "named", pattern: "ref:(?<ref>[a-z]+)", replacement: "ref:<$<ref>>$$" },
      ],
    });
    expect(masked("emp-123456 and EMP-987654, TICKET-42, ref:abc", m)).toBe("EMP-12**** and EMP-98****, [REDACTED:ticket], ref:<abc>$");
  });

  test("masking is idempotent: already masked text is not a new hit", () => {
    const once = all.mask("password=hunter22 mail ann@example.com");
    const twice = all.mask(once.text);
    expect(twice.text).toBe(once.text);
    expect(twice.hits).toEqual([]);
  });

  test("invalid rules are configuration errors", () => {
    const bad = (rule: Record<string, unknown>) => maskerConfigSchema.safeParse({ rules: [rule] }).success;
    expect(bad({ pattern: "(" })).toBe(false);
    expect(bad({ pattern: "a*" })).toBe(false);
    expect(bad({ pattern: "a", flags: "g" })).toBe(false);
    expect(bad({ pattern: "a", flags: "y" })).toBe(false);
    expect(bad({ pattern: "a", flags: "ii" })).toBe(false);
    expect(maskerConfigSchema.safeParse({ detectors: ["ssn"] }).success).toBe(false);
    expect(bad({ pattern: "a", flags: "i" })).toBe(true);
  });

  test("maskers do not share regex state", () => {
    const a = masker({ detectors: ["email"] });
    const b = masker({ detectors: ["email"] });
    expect(a.mask("x@example.com").hits.length).toBe(1);
    expect(b.mask("y@example.com").hits.length).toBe(1);
  });
});

describe("maskBody", () => {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const body = (text: string, type: string) => {
    const r = maskBody(all, enc.encode(text), type);
    return r && { text: dec.decode(r.body), hits: r.hits };
  };

  test("JSON: strings masked, formatting and number precision kept, secret fields masked whole", () => {
    const input = '{\n  "email": "ann@example.com",\n  "id": 12345678901234567890,\n  "password": "x1",\n  "card": 4111111111111111,\n  "note": "call +1 415 555 2671"\n}';
    const out = body(input, "application/json; charset=utf-8");
    expect(out?.text).toBe(
      `{\n  "email": "${R("email")}",\n  "id": 12345678901234567890,\n  "password": "${R("secret")}",\n  "card": "${R("credit_card")}",\n  "note": "call ${R("phone")}"\n}`,
    );
    expect(JSON.parse(out!.text)).toBeTruthy();
    expect(out?.hits).toEqual({ email: 1, secret: 1, credit_card: 1, phone: 1 });
  });

  test("JSON: escaped text is masked after decoding, and a replacement with quotes stays valid JSON", () => {
    const m = masker({ detectors: ["email"], replacement: '"{type}"\\' });
    const r = maskBody(m, enc.encode('{"to":"ann\\u0040example.com"}'), "application/json");
    const text = dec.decode(r!.body);
    expect(JSON.parse(text)).toEqual({ to: '"email"\\' });
  });

  test("malformed JSON is masked as text", () => {
    expect(body('{"to": "ann@example.com"', "application/json")?.text).toBe(`{"to": "${R("email")}"`);
  });

  test("form bodies are masked field by field", () => {
    expect(body("user=ann%40example.com&password=hunter2&n=1", "application/x-www-form-urlencoded")?.text).toBe(
      `user=${encodeURIComponent(R("email"))}&password=${encodeURIComponent(R("secret"))}&n=1`,
    );
  });

  test("text types are masked; binary types, other charsets and invalid UTF-8 are not", () => {
    expect(body("hi ann@example.com", "text/plain")?.text).toBe(`hi ${R("email")}`);
    expect(body("<a>ann@example.com</a>", "application/soap+xml")?.text).toBe(`<a>${R("email")}</a>`);
    expect(body("ann@example.com", "application/octet-stream")).toBeUndefined();
    expect(body("ann@example.com", "text/plain; charset=iso-8859-1")).toBeUndefined();
    expect(body("data: ann@example.com\n\n", "text/event-stream")).toBeUndefined();
    expect(maskBody(all, new Uint8Array([0x61, 0xff, 0x40]), "text/plain")).toBeUndefined();
  });

  test("an untouched body is returned as is", () => {
    const bytes = enc.encode('{"a":1}');
    expect(maskBody(all, bytes, "application/json")?.body).toBe(bytes);
  });
});
