import { z } from 'zod';
import { GOALS } from '../../ui/goal-names.js';

const caseId = z.string().regex(/^[A-Z]{2}-\d{4}-\d{6}$/);
const version = z.coerce.number().int().positive();

/** Card payloads are validated before use: a forged or malformed one is refused, never trusted. */
export const DecisionPayload = z.object({
  verb: z.enum(['approve', 'return', 'reject']),
  caseId,
  version,
  note: z.string().max(500).optional(),
  // Input.ChoiceSet with isMultiSelect sends "a,b,c".
  fields: z
    .string()
    .max(300)
    .optional()
    .transform((s) =>
      s
        ? s
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean)
        : [],
    ),
});

export const CorrectPayload = z.object({ verb: z.literal('correct'), caseId, version });
/** A menu button, or a reminder's one-tap renewal that names the certificate. */
export const StartPayload = z.object({
  verb: z.literal('start'),
  goal: z.enum(GOALS),
  serial: z
    .string()
    .regex(/^[0-9a-fA-F]{1,64}$/)
    .optional(),
});
export const RefreshPayload = z.object({ caseId });
