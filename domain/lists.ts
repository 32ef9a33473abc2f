/** Whether `value` is one of `list`: the membership test that narrows a string read from storage or a payload to the list's type. */
export function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}
