import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { DialogSet, type DialogContext, type DialogState } from 'botbuilder-dialogs';
import type { Dialog } from 'botbuilder-dialogs';
import type { BotConversationState, BotTurnState } from './state.js';

const APP_STATE = Symbol('gpki.appState');

/** Lets dialogs find this turn's teams-ai state (set once per turn, before any route runs). */
export function bindAppState(ctx: TurnContext, state: BotTurnState): void {
  ctx.turnState.set(APP_STATE, state);
}

/**
 * Dialog state lives in the teams-ai conversation scope, so it is loaded and saved once per turn
 * together with the rest of the state, through our Storage and its eTags.
 */
class ConversationDialogState implements StatePropertyAccessor<DialogState> {
  private scope(ctx: TurnContext): BotConversationState {
    const state = ctx.turnState.get<BotTurnState | undefined>(APP_STATE);
    if (!state) throw new Error('teams-ai state not bound for this turn');
    return state.conversation;
  }
  async get(ctx: TurnContext, def?: DialogState): Promise<DialogState> {
    const scope = this.scope(ctx);
    if (scope.dialogState === undefined && def !== undefined) scope.dialogState = def;
    return scope.dialogState as DialogState;
  }
  async set(ctx: TurnContext, value: DialogState): Promise<void> {
    this.scope(ctx).dialogState = value;
  }
  async delete(ctx: TurnContext): Promise<void> {
    delete this.scope(ctx).dialogState;
  }
}

/** The dialog state saved in a conversation's state scope (read outside a turn, e.g. by the agent console). */
export function savedDialogState(conversation: Record<string, unknown> | undefined): DialogState | undefined {
  return conversation?.dialogState as DialogState | undefined;
}

/**
 * Where botbuilder-dialogs' DialogStateManager keeps, for the rest of a turn, the memory scopes and
 * path resolvers it gathered from the registered components (`DIALOG_STATE_MANAGER_CONFIGURATION`,
 * not exported). Gathering them builds a service collection and nine scope objects on every turn;
 * the scopes keep no state of their own and nothing here adds per-turn ones (turn state's
 * `memoryScopes`/`pathResolvers`), so the first turn's set is handed to later turns. Under another
 * key (a later botbuilder) this is simply not used.
 */
const STATE_MANAGER_CONFIGURATION = 'DialogStateManagerConfiguration';

/** One DialogSet for the process; per-turn state comes through the accessor. */
export class DialogRunner {
  private readonly dialogs = new DialogSet(new ConversationDialogState());
  private stateManagerConfiguration: unknown;

  constructor(dialogs: Dialog[]) {
    for (const d of dialogs) this.dialogs.add(d);
  }

  async createContext(ctx: TurnContext): Promise<DialogContext> {
    if (this.stateManagerConfiguration !== undefined && !ctx.turnState.has(STATE_MANAGER_CONFIGURATION))
      ctx.turnState.set(STATE_MANAGER_CONFIGURATION, this.stateManagerConfiguration);
    const dc = await this.dialogs.createContext(ctx);
    this.stateManagerConfiguration ??= ctx.turnState.get(STATE_MANAGER_CONFIGURATION);
    return dc;
  }
}
