/**
 * The built-in detectors. Each is a few regular expressions plus, where a
 * pattern alone would hit too much, a check on the candidate (Luhn for card
 * numbers, mod 97 for IBANs, digit counts for phone numbers, a decodable
 * header for JWTs). `reach` is how far one match may stretch across
 * whitespace: streams hold back that much text so a match split between
 * chunks is still whole when it is scanned (0: the match is a single word).
 */
import { IBAN_LENGTHS, ibanValid, luhnValid } from "./checksums.ts";

export interface DetectorPattern {
  /** Global (`g`) and, when `group` is set, with indices (`d`). */
  readonly regex: RegExp;
  /** The capture group holding the part to replace; the rest of the match (a `password=` key) is kept. */
  readonly group?: number;
  /** How much of the candidate is really a hit (a prefix length), or 0 to drop it. */
  accept?(candidate: string): number;
}

export interface Detector {
  readonly type: string;
  readonly patterns: readonly DetectorPattern[];
  readonly reach: number;
}

export const DETECTOR_TYPES = ["email", "phone", "credit_card", "iban", "api_key", "jwt", "secret"] as const;
export type DetectorType = (typeof DETECTOR_TYPES)[number];

const whole = (c: string): number => c.length;
const digitCount = (s: string): number => s.replace(/\D/g, "").length;

const email: Detector = {
  type: "email",
  reach: 0,
  patterns: [
    {
      regex: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])/g,
    },
  ],
};

/**
 * International numbers (`+` and a country code), North American numbers
 * with their usual punctuation, and national numbers with a trunk 0 and one
 * kind of separator. Bare digit runs are never phone numbers here: they are
 * far more often ids, amounts or timestamps.
 */
const phone: Detector = {
  type: "phone",
  reach: 48,
  patterns: [
    {
      regex: /(?<![\w+])\+\d{1,3}(?:[ .-]?(?:\(\d{1,4}\)|\d{1,6})){1,6}(?!\w)/g,
      accept: (c) => {
        const n = digitCount(c);
        return n >= 9 && n <= 16 ? c.length : 0;
      },
    },
    {
      // Area and exchange codes start with 2–9 in the North American plan; 123-456-7890 and dates are left alone.
      regex: /(?<![\w+(.-])(?:\([2-9]\d{2}\) ?|[2-9]\d{2}([ .-]))[2-9]\d{2}(?:\1|[ .-])\d{4}(?!\w|[.-]\d)/g,
      accept: whole,
    },
    {
      regex: /(?<![\w+./-])0\d{1,4}([ .-])\d{2,8}(?:\1\d{2,8}){1,3}(?!\w|[./-]\d)/g,
      accept: (c) => {
        const n = digitCount(c);
        return n >= 9 && n <= 12 ? c.length : 0;
      },
    },
  ],
};

/**
 * 13–19 digits, bare or in groups with one kind of separator (4-4-4-4[-3],
 * Amex 4-6-5, Diners 4-6-4), starting with an issuer digit (2–6) and passing
 * the Luhn check. A greedy match that fails is retried without its last
 * group, so a card number followed by another number is still found.
 */
function acceptCard(candidate: string): number {
  let c = candidate;
  for (;;) {
    const digits = c.replace(/[ -]/g, "");
    if (digits.length < 13) return 0;
    if (digits.length <= 19 && /^[2-6]/.test(digits) && luhnValid(digits)) return c.length;
    const cut = Math.max(c.lastIndexOf(" "), c.lastIndexOf("-"));
    if (cut <= 0) return 0;
    c = c.slice(0, cut);
  }
}

const creditCard: Detector = {
  type: "credit_card",
  reach: 24,
  patterns: [
    { regex: /(?<![\w.,-])\d{13,19}(?![\w-]|[.,]\d)/g, accept: acceptCard },
    { regex: /(?<![\w.,-])\d{4}([ -])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{1,3})?(?![\w-]|[.,]\d)/g, accept: acceptCard },
    { regex: /(?<![\w.,-])\d{4}([ -])\d{6}\1\d{4,5}(?![\w-]|[.,]\d)/g, accept: acceptCard },
  ],
};

/** Country code, check digits and the BBAN, bare or in groups of four; only the country's exact length with a valid mod-97 check counts. */
function acceptIban(candidate: string): number {
  const length = IBAN_LENGTHS[candidate.slice(0, 2)];
  if (length === undefined) return 0;
  // The pattern may run on into a following word ("… 0130 00 THEN"): keep exactly the country's length.
  let taken = 0;
  let end = 0;
  while (end < candidate.length && taken < length) {
    if (candidate[end] !== " ") taken++;
    end++;
  }
  if (taken < length) return 0;
  if (end < candidate.length && candidate[end] !== " ") return 0;
  return ibanValid(candidate.slice(0, end).replaceAll(" ", "")) ? end : 0;
}

const iban: Detector = {
  type: "iban",
  reach: 42,
  patterns: [{ regex: /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])/g, accept: acceptIban }],
};

const hasDigitAndLetter = (s: string): boolean => /\d/.test(s) && /[A-Za-z]/.test(s);

/** Vendor key formats with a fixed prefix: OpenAI and Anthropic, Stripe, AWS, GitHub, GitLab, Slack, Google, and Waygate's own keys. */
const apiKey: Detector = {
  type: "api_key",
  reach: 0,
  patterns: [
    { regex: /(?<![\w-])sk-[A-Za-z0-9_-]{20,}(?![\w-])/g, accept: (c) => (hasDigitAndLetter(c.slice(3)) ? c.length : 0) },
    { regex: /(?<![\w-])[sr]k_(?:live|test)_[A-Za-z0-9]{16,}(?![\w-])/g },
    { regex: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g },
    { regex: /(?<![\w-])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})(?![\w-])/g },
    { regex: /(?<![\w-])glpat-[A-Za-z0-9_-]{20,}(?![\w-])/g },
    { regex: /(?<![\w-])xox[bpas]-[A-Za-z0-9-]{10,}(?![\w-])/g, accept: (c) => (/\d/.test(c) ? c.length : 0) },
    { regex: /(?<![\w-])AIza[A-Za-z0-9_-]{35}(?![\w-])/g },
    { regex: /(?<![\w-])wg_[A-Za-z0-9_]{32,}(?![\w-])/g },
  ],
};

/** A compact JWS: three base64url parts, the first two JSON objects (`eyJ` is `{"`); the header must name an algorithm. */
function acceptJwt(candidate: string): number {
  const header = candidate.slice(0, candidate.indexOf("."));
  try {
    const decoded: unknown = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
    return typeof decoded === "object" && decoded !== null && typeof (decoded as { alg?: unknown }).alg === "string" ? candidate.length : 0;
  } catch {
    return 0;
  }
}

const jwt: Detector = {
  type: "jwt",
  reach: 0,
  patterns: [{ regex: /(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*(?![\w-])/g, accept: acceptJwt }],
};

/**
 * Field names whose value is a secret whatever it looks like (`password`,
 * `client_secret`, `apiKey`, `X-Api-Key`, `refresh_token`), tested on the
 * name in snake case.
 */
const SECRET_FIELD = /(?:^|_)(?:password|passwd|passphrase|pwd|secret|token|api_?key|access_?key|private_?key|auth)$|^(?:authorization|credentials?)$/;

export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(
    name
      .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_"),
  );
}

// In free text the name must be followed by `=` or `:`; bare `auth` is left out there, it precedes too many ordinary words.
const SECRET_KEYWORDS = "password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth[_-]?token";

const secret: Detector = {
  type: "secret",
  reach: 64,
  patterns: [
    {
      // Only the value is replaced; the name stays so the text still reads.
      regex: new RegExp(
        `(?<![A-Za-z0-9])((?:[A-Za-z0-9]{1,16}[_.-]){0,3}(?:${SECRET_KEYWORDS})["']?\\s{0,3}[:=]\\s{0,3}["']?)([^\\s"'&,;<>]{6,})`,
        "gid",
      ),
      group: 2,
    },
    {
      regex: /(?<![A-Za-z0-9])(authorization["']?\s{0,3}[:=]\s{0,3}["']?(?:(?:bearer|basic|token)\s{1,3})?)([^\s"'&,;<>]{8,})/gid,
      group: 2,
    },
    { regex: /(?<![A-Za-z0-9])(bearer\s{1,3})([A-Za-z0-9._~+/-]{20,}=*)(?![\w-])/gid, group: 2 },
  ],
};

export const DETECTORS: Readonly<Record<DetectorType, Detector>> = {
  email,
  phone,
  credit_card: creditCard,
  iban,
  api_key: apiKey,
  jwt,
  secret,
};
