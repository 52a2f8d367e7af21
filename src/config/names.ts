/** The schemas every entity shares for its name and for references to other entities by id. */
import { z } from "zod";

export const entityName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "must start with a letter or digit and contain only letters, digits, '.', '_' or '-'");

export const entityId = z.string().min(1).max(64);
