/** People, agencies and the roles the directory gives them. Roles never come from what a user types. */
export const ROLES = ['USER', 'AP', 'SA', 'VERIFYING_OFFICER', 'TECHNICAL_OFFICER', 'LEAD_AGENCY', 'HELPDESK_AGENT', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export type Locale = 'ms' | 'en';

/** How a person is known on one channel (Teams AAD object id, Direct Line user id, ...). */
export interface ChannelIdentity {
  channelId: string;
  userId: string;
}

export interface Person {
  id: string;
  name: string;
  email?: string;
  /** Agency the person belongs to; absent for people not yet registered by an AP. */
  agencyId?: string;
  roles: Role[];
  identities: ChannelIdentity[];
  /** Preferred language, remembered when the user switches. */
  locale?: Locale;
}

export interface Agency {
  id: string;
  /** Official name in Malay. */
  name: string;
  /** English name where it differs. */
  nameEn?: string;
  /** Lead agency flag (MAMPU or its successor). */
  lead?: boolean;
  /**
   * State whose weekend and public holidays the agency keeps (e.g. 'PUTRAJAYA', 'KEDAH'), upper
   * case as named in the working-day calendar; absent: the deployment's default state.
   */
  state?: string;
}

export function hasRole(p: Person, role: Role): boolean {
  return p.roles.includes(role);
}
