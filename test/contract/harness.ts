/**
 * Contract suites take a factory so one suite runs against every adapter of a port.
 * Each test gets a fresh subject (its own table/collection/queue name) and closes it after.
 */
export interface Fixture<T> {
  subject: T;
  close(): Promise<void>;
}
export type Factory<T> = () => Promise<Fixture<T>>;

/** True when a required service may be skipped (locally); in CI a missing service fails. */
export const inCi = (): boolean => process.env.CI === 'true';

/**
 * `suite` under `title` when Redis answers at `url`; otherwise a test that says it was skipped
 * (locally) or fails (in CI, where Redis is required).
 */
export function describeOnRedis(title: string, reachable: boolean, url: string, suite: () => void): void {
  describe(title, () => {
    if (reachable) suite();
    else if (inCi()) {
      it('Redis is reachable', () => {
        throw new Error(`Redis is required in CI (CI=true) but does not answer at ${url}`);
      });
    } else it(`SKIPPED: Redis not reachable at ${url}`);
  });
}
