/**
 * Bot state is kept while it is used, and a turn that changes nothing only reads its state
 * (botbuilder and teams-ai write state only when it changed). So both Storage adapters refresh an
 * item's last-use time on a read too, but at most once per this interval per item: a write per
 * turn would double the store's write load for nothing but a timestamp.
 */
export const STATE_TOUCH_INTERVAL_MS = 3_600_000;

/**
 * The last-use time below which an item is idle for a sweep at `before`. An item used at or
 * after `before` was stamped no earlier than one touch interval before its use, so it is never
 * below this line.
 */
export function idleLine(before: Date): number {
  return before.getTime() - STATE_TOUCH_INTERVAL_MS;
}
