import type { Clock } from '../../../domain/ports/clock.js';

/** The wall clock, used when an adapter is not given one (tests pass a fixed clock). */
export const systemClock: Clock = { now: () => new Date() };
