import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.js';

export interface ApiAnswer {
  status: number;
  json: Record<string, any>;
}

/** A helpdesk agent's browser session against /console/api: the cookie, the CSRF token, the live events. */
export class ConsoleClient {
  cookie = '';
  csrf = '';
  readonly events: Record<string, any>[] = [];
  private stream?: AbortController;

  constructor(private readonly baseUrl: string) {}

  static async signIn(baseUrl: string, email: string, password: string): Promise<ConsoleClient> {
    const c = new ConsoleClient(baseUrl);
    const r = await c.login(email, password);
    if (r.status !== 200) throw new Error(`sign-in failed: ${r.status} ${JSON.stringify(r.json)}`);
    return c;
  }

  async login(email: string, password: string, headers: Record<string, string> = {}): Promise<ApiAnswer> {
    const res = await fetch(`${this.baseUrl}/console/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ email, password }),
    });
    const json = (await res.json()) as Record<string, any>;
    const set = res.headers.get('set-cookie');
    if (res.status === 200 && set) {
      this.cookie = set.split(';')[0];
      this.csrf = json.csrf as string;
    }
    return { status: res.status, json, ...(set ? { setCookie: set } : {}) };
  }

  /** One API call; `csrf: false` leaves the token out, a string sends that one instead. */
  async call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    opts: { csrf?: string | false; cookie?: boolean } = {},
  ): Promise<ApiAnswer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (opts.cookie !== false && this.cookie) headers.cookie = this.cookie;
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (csrf) headers['x-csrf-token'] = csrf;
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, any>) : {} };
  }

  conversation(id: string, action = ''): string {
    return `/console/api/conversations/${encodeURIComponent(id)}${action}`;
  }

  /** Opens the server-sent event stream; events collect in `events`. Resolves once connected. */
  async listen(): Promise<void> {
    this.stream = new AbortController();
    const res = await fetch(`${this.baseUrl}/console/api/events`, { headers: { cookie: this.cookie }, signal: this.stream.signal });
    if (res.status !== 200 || !res.body) throw new Error(`events: HTTP ${res.status}`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const pump = async (): Promise<void> => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let i: number;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const data = frame
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (data) this.events.push(JSON.parse(data) as Record<string, any>);
        }
      }
    };
    void pump().catch(() => undefined);
  }

  waitForEvent(what: string, match: (e: Record<string, any>) => boolean): Promise<Record<string, any>> {
    return waitFor(what, () => this.events.find(match), { timeoutMs: 15_000 });
  }

  close(): void {
    this.stream?.abort();
  }
}

/** Runs `npm run agent:password -- <email>` against a data folder, the password on standard input. */
export function setPasswordByCommand(
  env: Record<string, string>,
  email: string,
  password: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = fileURLToPath(new URL('../../bot/handoff/agent-password.ts', import.meta.url));
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', script, email],
      { env: { ...process.env, LOG_LEVEL: 'silent', ...env } },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
    child.stdin!.end(`${password}\n`);
  });
}

export const AGENT_EMAIL = 'nurul.huda@mampu.gov.my';
export const AGENT_NAME = 'Nurul Huda binti Zainal';
export const AGENT_PASSWORD = `kata-laluan-ujian-${randomUUID().slice(0, 8)}`;
