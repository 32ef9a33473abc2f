import { expect } from 'chai';

/**
 * Awaits `promise`, asserts that it rejected, and returns the reason so the caller can check its
 * `code` (errors are recognised by code, never by message).
 */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (e) {
    expect(e).to.be.instanceOf(Error);
    return e as Error & { code?: string };
  }
  expect.fail('expected the promise to reject, but it resolved');
}
