/** Every intent the recogniser knows; `out_of_scope` is anything else. */
export const INTENTS = [
  'apply_user_cert',
  'renew_user_cert',
  'revoke_user_cert',
  'replace_user_cert',
  'apply_server_cert',
  'renew_server_cert',
  'revoke_server_cert',
  'apply_training_cert',
  'renew_training_cert',
  'revoke_training_cert',
  'replace_training_cert',
  'advisory_request',
  'complaint',
  'onsite_support',
  'check_status',
  'my_tasks',
  'talk_to_agent',
  'greeting',
  'help',
  'switch_language',
  'cancel',
  'out_of_scope',
] as const;

export type Intent = (typeof INTENTS)[number];

/** The intents that start a certificate operation: where a wrong guess costs the user most. */
export const CERTIFICATE_OPERATIONS: ReadonlySet<Intent> = new Set<Intent>([
  'apply_user_cert',
  'renew_user_cert',
  'revoke_user_cert',
  'replace_user_cert',
  'apply_server_cert',
  'renew_server_cert',
  'revoke_server_cert',
  'apply_training_cert',
  'renew_training_cert',
  'revoke_training_cert',
  'replace_training_cert',
]);

export function isIntent(value: unknown): value is Intent {
  return typeof value === 'string' && (INTENTS as readonly string[]).includes(value);
}
