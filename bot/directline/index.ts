import type { Server } from 'restify';
import { registerConversationRoutes } from './conversation-routes.js';
import type { DirectLineDeps } from './context.js';
import { DirectLineStreams } from './stream.js';
import { registerTokenRoutes } from './token-routes.js';

export { DirectLineAdapter } from './adapter.js';
export { DirectLineTokens } from './tokens.js';
export { DIRECTLINE_CHANNEL } from './activities.js';
export type { DirectLineDeps } from './context.js';

/** The mounted Direct Line: stop taking requests, then close every stream. */
export interface DirectLineMount {
  stopIntake(): void;
  /** Closes the WebSockets and their subscriptions, then waits for turns still running here. */
  close(): Promise<void>;
}

/**
 * Serves Direct Line 3.0 on the bot's restify server (routes under `/v3/directline`, the token
 * endpoints under `/api/directline`) and its WebSocket streams on the underlying HTTP server's
 * `upgrade` event, so the official Web Chat client talks to the bot with no Azure in between.
 */
export function mountDirectLine(server: Server, deps: DirectLineDeps): DirectLineMount {
  let intakeOpen = true;
  const rc = { ...deps, intakeOpen: () => intakeOpen };
  registerTokenRoutes(server, rc);
  registerConversationRoutes(server, rc);
  const streams = new DirectLineStreams({
    log: deps.log,
    events: deps.events,
    tokens: deps.tokens,
    logger: deps.logger,
    keepAliveMs: deps.keepAliveMs,
    unavailable: deps.unavailable,
  });
  server.server.on('upgrade', streams.onUpgrade);
  return {
    stopIntake: () => void (intakeOpen = false),
    close: async () => {
      intakeOpen = false;
      server.server.off('upgrade', streams.onUpgrade);
      await streams.close();
      await deps.adapter.idle();
    },
  };
}
