/**
 * The retention side of the conversation transcripts (entries are appended by the turn pipeline,
 * already masked). `pruneBefore(before)` removes every entry stamped before `before` and returns
 * how many went; entries at or after it stay.
 */
export interface TranscriptRetention {
  pruneBefore(before: Date): Promise<number>;
}
