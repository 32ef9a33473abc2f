import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { DialogSet, type DialogContext, type DialogState } from 'botbuilder-dialogs';
import type { TurnState } from '@microsoft/teams-ai';
import type { Dialog } from 'botbuilder-dialogs';

const APP_STATE = Symbol('gpki.appState');

/** Lets dialogs find this turn's teams-ai state (set once per turn, before any route runs). */
export function bindAppState(ctx: TurnContext, state: TurnState): void {
  ctx.turnState.set(APP_STATE, state);
}

/**
 * Dialog state lives in the teams-ai conversation scope, so it is loaded and saved once per turn
 * together with the rest of the state, through our Storage and its eTags.
 */
class ConversationDialogState implements StatePropertyAccessor<DialogState> {
  private scope(ctx: TurnContext): Record<string, unknown> {
    const state = ctx.turnState.get(APP_STATE) as TurnState | undefined;
    if (!state) throw new Error('teams-ai state not bound for this turn');
    return state.conversation as Record<string, unknown>;
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

/** One DialogSet for the process; per-turn state comes through the accessor. */
export class DialogRunner {
  private readonly dialogs = new DialogSet(new ConversationDialogState());

  constructor(dialogs: Dialog[]) {
    for (const d of dialogs) this.dialogs.add(d);
  }

  createContext(ctx: TurnContext): Promise<DialogContext> {
    return this.dialogs.createContext(ctx);
  }
}
