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
