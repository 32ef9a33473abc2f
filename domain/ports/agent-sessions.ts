/** One signed-in helpdesk agent's console session, as the store keeps it. */
export interface AgentSession {
  /** The session's key in the store: a digest of the cookie's secret, never the secret itself. */
  id: string;
  agentId: string;
  createdAt: string;
  expiresAt: string;
}

/**
 * The console's server-side sessions, shared by every instance: ending one here ends it on all
 * of them at once (logout, a password reset, a role withdrawn in the directory).
 *
 * Promises: `get(id, now)` returns the session only while `now` is before `expiresAt`;
 * `delete` of an unknown id is a no-op; `deleteForAgent` ends every session of that agent and
 * returns how many; `agentIds(now)` lists, once each, the agents holding a live session;
 * `pruneExpired(now)` deletes the expired ones and returns how many.
 */
export interface AgentSessions {
  create(session: AgentSession): Promise<void>;
  get(id: string, now: Date): Promise<AgentSession | undefined>;
  delete(id: string): Promise<void>;
  deleteForAgent(agentId: string): Promise<number>;
  agentIds(now: Date): Promise<string[]>;
  pruneExpired(now: Date): Promise<number>;
}
