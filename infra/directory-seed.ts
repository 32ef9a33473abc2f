import { z } from 'zod';
import { ROLES, type Agency, type Person } from '../domain/people.js';
import type { Directory } from '../domain/ports/directory.js';

const IdentitySchema = z.object({ channelId: z.string().min(1), userId: z.string().min(1) }).strict();

const AgencySchema = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    nameEn: z.string().min(1).optional(),
    lead: z.boolean().optional(),
    /** State of the working-day calendar the agency keeps; stored upper case. */
    state: z
      .string()
      .trim()
      .min(2)
      .transform((s) => s.toUpperCase())
      .optional(),
  })
  .strict();

const PersonSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    email: z.string().email().optional(),
    agencyId: z.string().min(1).optional(),
    roles: z.array(z.enum(ROLES)),
    identities: z.array(IdentitySchema).default([]),
    locale: z.enum(['ms', 'en']).optional(),
  })
  .strict();

/** Flags the second of two entries sharing `key` under `path` (ids must be unique in a seed). */
function checkUnique<T>(ctx: z.RefinementCtx, items: T[], path: string, key: (t: T) => string): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path, i], message: `duplicate ${k}` });
    seen.add(k);
  });
}

/**
 * A directory seed file: `{ agencies: Agency[], people: Person[] }`. Unknown keys are refused so
 * a typo (`role` for `roles`) fails loudly instead of seeding a person with no roles.
 */
export const DirectorySeedSchema = z
  .object({ agencies: z.array(AgencySchema), people: z.array(PersonSchema) })
  .strict()
  .superRefine((seed, ctx) => {
    checkUnique(ctx, seed.agencies, 'agencies', (a) => a.id);
    checkUnique(ctx, seed.people, 'people', (p) => p.id);
    const identityKey = (i: { channelId: string; userId: string }) => `${i.channelId}/${i.userId}`;
    const owners = new Map<string, string>();
    seed.people.forEach((p, i) =>
      p.identities.forEach((identity, j) => {
        const owner = owners.get(identityKey(identity));
        if (owner !== undefined && owner !== p.id) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['people', i, 'identities', j], message: `identity also given to ${owner}` });
        }
        owners.set(identityKey(identity), p.id);
      }),
    );
  });

/** `people[2].roles[0]` from zod's `['people', 2, 'roles', 0]`. */
function formatPath(path: (string | number)[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part), '') || '(root)';
}

/**
 * Validates `json` as a directory seed and upserts its agencies then its people. Throws an Error
 * naming every bad path when the seed is invalid (nothing is written then). With `knownStates`
 * (the working-day calendar's states), an agency naming another state is invalid too.
 *
 * Loading is idempotent, and safe to repeat at every start: the seed decides a person's name,
 * e-mail, agency and roles, but identities linked since (a Teams account, say) are kept, and so
 * is a locale the person chose.
 */
export async function loadDirectorySeed(
  directory: Directory,
  json: unknown,
  opts: { knownStates?: readonly string[] } = {},
): Promise<{ agencies: number; people: number }> {
  const parsed = DirectorySeedSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw new Error(`Invalid directory seed: ${problems.join('; ')}`);
  }
  const seed = parsed.data;
  if (opts.knownStates) {
    const known = new Set(opts.knownStates.map((s) => s.toUpperCase()));
    const problems = seed.agencies.flatMap((a, i) =>
      a.state !== undefined && !known.has(a.state)
        ? [`agencies[${i}].state: unknown state ${a.state} (known: ${[...known].sort().join(', ')})`]
        : [],
    );
    if (problems.length > 0) throw new Error(`Invalid directory seed: ${problems.join('; ')}`);
  }
  const seedAgencies = new Set(seed.agencies.map((a) => a.id));
  for (const [i, p] of seed.people.entries()) {
    if (p.agencyId !== undefined && !seedAgencies.has(p.agencyId) && !(await directory.getAgency(p.agencyId))) {
      throw new Error(`Invalid directory seed: people[${i}].agencyId: unknown agency ${p.agencyId}`);
    }
  }
  for (const a of seed.agencies) await directory.upsertAgency(a satisfies Agency);
  for (const p of seed.people) await directory.upsertPerson(await mergeWithExisting(directory, p));
  return { agencies: seed.agencies.length, people: seed.people.length };
}

async function mergeWithExisting(directory: Directory, p: Person): Promise<Person> {
  const existing = await directory.getPerson(p.id);
  if (!existing) return p;
  const key = (i: { channelId: string; userId: string }) => `${i.channelId}\u0000${i.userId}`;
  const known = new Set(existing.identities.map(key));
  const identities = [...existing.identities, ...p.identities.filter((i) => !known.has(key(i)))];
  const merged: Person = { ...p, identities };
  const locale = existing.locale ?? p.locale;
  if (locale !== undefined) merged.locale = locale;
  return merged;
}
