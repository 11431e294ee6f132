/**
 * What a service answers when the person asked for something that cannot happen (a stale button,
 * someone who is not a member, a pulse that closed): not an error, but a sentence for them saying
 * what happened and what they can do next. Listeners show it privately or in the modal.
 */
export type Notice = { kind: 'notice'; text: string };

/** For a button or form that refers to something that has since moved on (or never existed). */
export const STALE_ACTION =
  'This button or form is out of date, so nothing was changed. Use `/alliance show` in the channel to see where the alliance stands.';
