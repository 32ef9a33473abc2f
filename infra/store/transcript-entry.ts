/** One masked activity of a conversation transcript, as both stores keep it. */
export interface TranscriptEntry {
  conversationId: string;
  at: string;
  direction: 'in' | 'out';
  activity: Record<string, unknown>;
}
