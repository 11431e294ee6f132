/**
 * Members who have done something (answered, agreed) and those still waiting, in member order.
 * "Everyone" needs at least one member: an empty alliance has not agreed to anything.
 */
export function splitMembers(
  members: readonly string[],
  doneIds: ReadonlySet<string>,
): { done: string[]; waiting: string[]; everyone: boolean } {
  const done = members.filter((m) => doneIds.has(m));
  const waiting = members.filter((m) => !doneIds.has(m));
  return { done, waiting, everyone: members.length > 0 && waiting.length === 0 };
}
