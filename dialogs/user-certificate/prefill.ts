import type { Agency, Person } from '../../domain/people.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import { parseOfficialEmail, parsePlainText } from '../../domain/rules/contact.js';

/** The fields the agency directory can answer for the applicant. */
export type DirectoryField = 'fullName' | 'email' | 'agency';

export function isDirectoryField(f: string): f is DirectoryField {
  return f === 'fullName' || f === 'email' || f === 'agency';
}

/**
 * What the directory holds for the person for one field, offered as a one-tap answer the person
 * confirms or types over. Only a value that would pass the same check as a typed answer is offered
 * (a webmail address, a short name or an unknown agency is simply asked).
 */
export async function directoryValue(
  core: Pick<CoreDeps, 'directory' | 'policy'>,
  person: Person,
  field: DirectoryField,
): Promise<{ value: string; agency?: Agency } | undefined> {
  if (field === 'fullName') {
    const name = parsePlainText(person.name ?? '', { min: 3, max: 120 });
    return name.ok ? { value: person.name.trim() } : undefined;
  }
  if (field === 'email') {
    const email = person.email ? parseOfficialEmail(person.email, core.policy.emailDomains) : undefined;
    return email?.ok ? { value: email.value } : undefined;
  }
  const agency = person.agencyId ? await core.directory.getAgency(person.agencyId) : undefined;
  return agency ? { value: agency.id, agency } : undefined;
}
