import type { Logger } from '@slack/bolt';
import type { DomainEvent, DomainEventOf, DomainEventType } from '../domain/events.js';
import type { Store } from '../store/index.js';

/**
 * What follows one kind of event. `atomic` runs inside the transaction that recorded the event, so
 * the two commit or roll back together (it must only write to the store); `after` runs once that
 * transaction has committed (it may talk to Slack, and may start transactions of its own).
 */
export interface Reaction<T extends DomainEventType> {
  /** Says what the reaction does, for logs. */
  does: string;
  atomic?: (event: DomainEventOf<T>, now: Date) => void;
  after?: (event: DomainEventOf<T>, now: Date) => Promise<void>;
}

export type ReactionTable = { readonly [T in DomainEventType]: readonly Reaction<T>[] };

/** The result of a unit of work: its value, and the events to publish once the caller is ready. */
export interface Recorded<T> {
  value: T;
  events: DomainEvent[];
}

export interface Events {
  /**
   * Runs `work` in one write transaction. Each event it records runs its atomic reactions there
   * and then; the events are returned so their other reactions can be published after the commit
   * (at once, or after Slack has had its answer).
   */
  transaction<T>(now: Date, work: (record: (event: DomainEvent) => void) => T): Recorded<T>;
  /**
   * `transaction`, committed together with the other work queued in this turn of the event loop (a
   * group commit): for requests that come in bursts and may only be answered once written.
   */
  groupCommit<T>(now: Date, work: (record: (event: DomainEvent) => void) => T): Promise<Recorded<T>>;
  /** Runs the after-commit reactions of `events`, in order. A failing reaction is logged; the rest still run. */
  publish(events: readonly DomainEvent[], now: Date): Promise<void>;
  /** `transaction`, then `publish`: for use cases with nothing to answer before the follow-up. */
  run<T>(now: Date, work: (record: (event: DomainEvent) => void) => T): Promise<T>;
}

/**
 * The event bus. Services get it at construction; the reactions are installed once, after every
 * service exists, from the one list in `reactions.ts` — so no service refers to another.
 */
export function createEvents(deps: { store: Store; logger: Logger }): Events & {
  install(table: ReactionTable): void;
} {
  let table: ReactionTable | null = null;

  const reactionsOf = <T extends DomainEventType>(type: T): readonly Reaction<T>[] => {
    if (!table) throw new Error('reactions are not installed yet');
    return table[type] as readonly Reaction<T>[];
  };

  /** The events a unit of work records, each running its atomic reactions as it is recorded. */
  function recorder(now: Date) {
    const events: DomainEvent[] = [];
    const record = (event: DomainEvent) => {
      events.push(event);
      for (const reaction of reactionsOf(event.type)) reaction.atomic?.(event as never, now);
    };
    return { events, record };
  }

  function transaction<T>(now: Date, work: (record: (event: DomainEvent) => void) => T): Recorded<T> {
    const { events, record } = recorder(now);
    const value = deps.store.transaction(() => work(record));
    return { value, events };
  }

  async function groupCommit<T>(now: Date, work: (record: (event: DomainEvent) => void) => T): Promise<Recorded<T>> {
    const { events, record } = recorder(now);
    const value = await deps.store.groupCommit(() => work(record));
    return { value, events };
  }

  async function publish(events: readonly DomainEvent[], now: Date): Promise<void> {
    for (const event of events) {
      for (const reaction of reactionsOf(event.type)) {
        if (!reaction.after) continue;
        try {
          await reaction.after(event as never, now);
        } catch (error) {
          deps.logger.error(`after ${event.type}, could not ${reaction.does}:`, error);
        }
      }
    }
  }

  return {
    install(reactions) {
      if (table) throw new Error('reactions are installed once');
      table = reactions;
    },
    transaction,
    groupCommit,
    publish,
    async run(now, work) {
      const { value, events } = transaction(now, work);
      await publish(events, now);
      return value;
    },
  };
}
