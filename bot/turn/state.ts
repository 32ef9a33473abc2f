import type { DefaultConversationState, DefaultTempState, DefaultUserState, TurnState } from '@microsoft/teams-ai';
import type { DialogState } from 'botbuilder-dialogs';
import type { Entities, Intent } from '../nlu/index.js';

/** A "which one do you mean?" question the recogniser asked, answered by the next message or not at all. */
export interface NluQuestion {
  id: string;
  choices: Intent[];
  /** What the message carried (a case number, an e-mail, a MyKad number, a serial), for the operation picked. */
  entities: Entities;
}

/**
 * What the bot keeps in a conversation's teams-ai state scope, loaded and saved once per turn
 * through our Storage (and read outside a turn by the agent console). The property names are the
 * stored ones: renaming one forgets what open conversations hold.
 */
export interface BotConversationState extends DefaultConversationState {
  /** The guided dialogs' stack (botbuilder-dialogs), run inside teams-ai by dialog-runner.ts. */
  dialogState?: DialogState;
  /** Misunderstandings in a row; the second offers a person. */
  nluMisses?: number;
  /** The open question, until the next message. */
  nluQuestion?: NluQuestion;
}

/** The teams-ai turn state of every route: the user and temp scopes hold only teams-ai's own defaults. */
export type BotTurnState = TurnState<BotConversationState, DefaultUserState, DefaultTempState>;
