import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { TestConnector } from './connector.js';

export interface InvokeAnswer {
  statusCode: number;
  type: string;
  value: unknown;
}

/**
 * A Universal Action (`Action.Execute`) as Teams sends it: an `adaptiveCard/action` invoke by
 * `userId` in `conversationId`, on the message `replyToId`. The HTTP answer carries the card back.
 */
export async function executeAction(
  opts: { botUrl: string; connector: TestConnector; userId: string; conversationId: string; replyToId?: string },
  verb: string,
  data: Record<string, unknown>,
): Promise<InvokeAnswer> {
  const res = await fetch(`${opts.botUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: opts.connector.url,
      from: { id: opts.userId },
      recipient: { id: 'bot' },
      conversation: { id: opts.conversationId },
      replyToId: opts.replyToId,
      value: { action: { type: 'Action.Execute', verb, data }, trigger: verb === 'refreshApproval' ? 'automatic' : 'manual' },
    }),
  });
  const text = await res.text();
  expect(res.status, text).to.equal(200);
  return JSON.parse(text) as InvokeAnswer;
}
