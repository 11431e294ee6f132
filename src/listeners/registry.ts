import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewClosedAction,
  ViewSubmitAction,
} from '@slack/bolt';
import type { AppLogger } from '../logger.js';
import { type Metrics, noMetrics, type RequestKind } from '../metrics.js';
import { noteOutcome, outcomeOf } from './outcome.js';

export type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
export type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
export type ViewClosedArgs = SlackViewMiddlewareArgs<ViewClosedAction> & AllMiddlewareArgs;
export type EventArgs = SlackEventMiddlewareArgs & AllMiddlewareArgs;
export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

type Handler<A> = (args: A) => Promise<void>;

/** A pause in requests this long lets the follow-ups waiting for one run (see whenQuiet). */
const QUIET_MS = 20;

/**
 * Collects the app's handlers by id, then installs one Bolt middleware that routes every request by
 * its kind and its action_id, callback_id, command or event type. Bolt runs every registered
 * listener's matching for every request, so one router answers Slack faster than a listener per id
 * or per kind (measured by the ack-latency benchmark). The routing keys are the constants in `ids.ts`.
 */
export class ListenerRegistry {
  private readonly actions = new Map<string, Handler<ActionArgs>>();
  private readonly submissions = new Map<string, Handler<ViewArgs>>();
  private readonly closures = new Map<string, Handler<ViewClosedArgs>>();
  private readonly events = new Map<string, Handler<EventArgs>>();
  private readonly commands = new Map<string, Handler<CommandArgs>>();
  /** When the last request arrived, and the follow-ups waiting for a pause (see whenQuiet). */
  private lastArrival = Number.NEGATIVE_INFINITY;
  private readonly waitingForQuiet = new Set<{ deadline: number; resolve: () => void }>();
  private quietTimer: NodeJS.Timeout | undefined;

  private static add<A>(map: Map<string, Handler<A>>, key: string, handler: Handler<A>, what: string): void {
    if (map.has(key)) throw new Error(`two ${what} handlers for ${key}`);
    map.set(key, handler);
  }

  action(actionId: string, handler: Handler<ActionArgs>): void {
    ListenerRegistry.add(this.actions, actionId, handler, 'action');
  }

  view(callbackId: string, handler: Handler<ViewArgs>): void {
    ListenerRegistry.add(this.submissions, callbackId, handler, 'view submission');
  }

  viewClosed(callbackId: string, handler: Handler<ViewClosedArgs>): void {
    ListenerRegistry.add(this.closures, callbackId, handler, 'view closed');
  }

  event(type: string, handler: Handler<EventArgs>): void {
    ListenerRegistry.add(this.events, type, handler, 'event');
  }

  command(name: string, handler: Handler<CommandArgs>): void {
    ListenerRegistry.add(this.commands, name, handler, 'command');
  }

  /**
   * Resolves once requests have paused for QUIET_MS, or after `maxWaitMs` at most. Slack gives an
   * ack three seconds; the follow-up of an answer already given (updating a DM, posting in the
   * channel) has no deadline, so under a burst of requests it waits for the burst to pass instead
   * of taking CPU from the acks still to come. Otherwise it waits QUIET_MS at most.
   */
  whenQuiet(maxWaitMs = 1000): Promise<void> {
    return new Promise((resolve) => {
      this.waitingForQuiet.add({ deadline: performance.now() + maxWaitMs, resolve });
      this.checkQuiet();
    });
  }

  private checkQuiet(): void {
    if (this.quietTimer !== undefined) return;
    const now = performance.now();
    const quietAt = this.lastArrival + QUIET_MS;
    let next = quietAt;
    for (const waiter of [...this.waitingForQuiet]) {
      if (now >= quietAt || now >= waiter.deadline) {
        this.waitingForQuiet.delete(waiter);
        waiter.resolve();
      } else next = Math.min(next, waiter.deadline);
    }
    if (this.waitingForQuiet.size === 0) return;
    this.quietTimer = setTimeout(
      () => {
        this.quietTimer = undefined;
        this.checkQuiet();
      },
      Math.max(1, next - now),
    );
  }

  /**
   * Installs the routers. `track` wraps each request's work so shutdown can wait for it;
   * `beforeEvent` may drop an event (Slack's retries of one already handled). `metrics` counts each
   * request by kind and outcome and times its ack.
   */
  install(
    app: App,
    options: {
      logger: AppLogger;
      track: <T>(work: Promise<T>) => Promise<T>;
      beforeEvent: (body: unknown) => boolean;
      metrics?: Metrics;
    },
  ): void {
    const { logger, track } = options;
    const metrics = options.metrics ?? noMetrics;
    const measured = <A extends Measurable>(kind: RequestKind, args: A, work: (args: A) => Promise<void>) => {
      this.lastArrival = performance.now();
      return track(measure(metrics, kind, args, work));
    };

    const action = async (args: ActionArgs) => {
      const handler = this.actions.get(args.action.action_id);
      if (!handler) {
        // Link buttons and retired ids still need an ack, or Slack shows the user an error.
        await args.ack();
        logger.debug(`actions: no handler for ${args.action.action_id}`);
        return;
      }
      await handler(args);
    };
    const view = async (args: ViewArgs | ViewClosedArgs) => {
      if (args.body.type === 'view_submission') {
        const handler = this.submissions.get(args.view.callback_id);
        if (!handler) {
          await args.ack();
          noteOutcome(args.context, 'refused');
          logger.warn(`views: no handler for the submission of ${args.view.callback_id}`);
          return;
        }
        await handler(args as ViewArgs);
        return;
      }
      const handler = this.closures.get(args.view.callback_id);
      if (!handler) {
        await args.ack();
        return;
      }
      await handler(args as ViewClosedArgs);
    };

    // One Bolt middleware routes every kind. Bolt runs the matching of every registered listener for
    // every request; with none registered, a request costs Bolt only its global middleware. What
    // Alliance does not handle (shortcuts, options…) goes on to Bolt as before.
    app.use(async (args) => {
      const body = args.body as { type?: unknown };
      if ('command' in args && args.command) {
        const handler = this.commands.get(args.command.command);
        if (handler) return measured('command', args as unknown as CommandArgs, handler);
      } else if (body.type === 'block_actions') {
        return measured('action', args as unknown as ActionArgs, action);
      } else if (body.type === 'view_submission' || body.type === 'view_closed') {
        return measured('view', args as unknown as ViewArgs | ViewClosedArgs, view);
      } else if (body.type === 'event_callback' && 'event' in args && args.event) {
        const handler = this.events.get(args.event.type);
        if (!handler || !options.beforeEvent(args.body)) return;
        return measured('event', args as unknown as EventArgs, handler);
      }
      await args.next();
    });
  }
}

/** What measuring a request needs of Bolt's listener arguments: its context, and its ack where it has one. */
interface Measurable {
  context: AllMiddlewareArgs['context'];
  // biome-ignore lint/suspicious/noExplicitAny: each kind's ack takes its own response type
  ack?: (...response: any[]) => Promise<void>;
}

/**
 * Runs one request's work, timing its ack and counting its outcome. Bolt hands each middleware
 * arguments of its own, so wrapping `ack` here changes nothing for anything else. (Bolt acks
 * events itself, before any middleware runs: they are counted, not timed.)
 */
async function measure<A extends Measurable>(
  metrics: Metrics,
  kind: RequestKind,
  args: A,
  work: (args: A) => Promise<void>,
): Promise<void> {
  const started = performance.now();
  const ack = args.ack;
  if (ack) {
    let timed = false;
    args.ack = (...response) => {
      if (!timed) {
        timed = true;
        metrics.acked(kind, (performance.now() - started) / 1000);
      }
      return ack(...response);
    };
  }
  try {
    await work(args);
  } catch (error) {
    metrics.request(kind, 'failed');
    throw error;
  }
  metrics.request(kind, outcomeOf(args.context));
}
