/**
 * The load generator for the ack-latency benchmark: sends pre-built slash-command bodies to an app's
 * `/slack/events`, signed as Slack signs them, over keep-alive connections, a fixed number in flight,
 * and times each request from the moment it is written until its response has been read to the end.
 *
 * It runs in its own process by default (see ack-latency-client-process.ts), so the apps being
 * measured do not share an event loop with the client's own request and response handling; it can
 * also run in the same process, for comparison.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { signSlackRequest } from '../../src/simulator/slack-sender.js';

/** What a correct answer looks like: an empty 200 (a bare ack) or a body holding every given text. */
export type ResponseCheck = { kind: 'empty' } | { kind: 'contains'; texts: string[] };

export interface RoundSpec {
  port: number;
  path: string;
  /** One form-urlencoded body per request (a slash command, or an interaction's `payload=`), sent in order. */
  bodies: string[];
  concurrency: number;
  check: ResponseCheck;
}

export interface RoundResult {
  /** Request start → response fully read, one per request, in milliseconds (in completion order). */
  latenciesMs: Float64Array;
  /** When each request was written (Unix epoch milliseconds), in the order of `bodies`. */
  sentAtMs: Float64Array;
  non200: number;
  /** 200 answers whose body was not what `check` asks for. */
  badBody: number;
  /** Requests that got no answer at all (connection refused or reset). */
  transportErrors: number;
  /** The first thing that went wrong, for the report. */
  firstProblem: string | undefined;
}

export interface SignedClient {
  runRound(spec: RoundSpec): Promise<RoundResult>;
  close(): Promise<void>;
}

interface OneResult {
  ms: number;
  status: number;
  body: string;
  error: string | undefined;
}

/** The client itself; `signingSecret` is shared by every app it talks to. */
export function createSignedClient(signingSecret: string): SignedClient {
  // One keep-alive pool per app, sized to the concurrency, reused across rounds.
  const agents = new Map<number, Agent>();
  const agentFor = (port: number, concurrency: number): Agent => {
    let agent = agents.get(port);
    if (!agent) {
      agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
      agents.set(port, agent);
    }
    return agent;
  };

  const sendOne = (agent: Agent, port: number, path: string, body: string): Promise<OneResult> => {
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlackRequest(signingSecret, timestamp, body),
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      accept: 'application/json,*/*',
    };
    return new Promise<OneResult>((resolve) => {
      const started = performance.now();
      const req = request({ agent, host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const ms = performance.now() - started;
          resolve({ ms, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), error: undefined });
        });
        res.on('error', (error) =>
          resolve({ ms: performance.now() - started, status: 0, body: '', error: error.message }),
        );
      });
      req.on('error', (error) =>
        resolve({ ms: performance.now() - started, status: 0, body: '', error: error.message }),
      );
      req.end(body);
    });
  };

  const judge = (check: ResponseCheck, body: string): string | undefined => {
    if (check.kind === 'empty')
      return body === '' ? undefined : `expected an empty ack, got ${JSON.stringify(body.slice(0, 120))}`;
    const missing = check.texts.find((text) => !body.includes(text));
    return missing === undefined
      ? undefined
      : `answer lacks ${JSON.stringify(missing)}: ${JSON.stringify(body.slice(0, 120))}`;
  };

  return {
    async runRound(spec) {
      const agent = agentFor(spec.port, spec.concurrency);
      const latencies = new Float64Array(spec.bodies.length);
      const sentAt = new Float64Array(spec.bodies.length);
      let done = 0;
      let next = 0;
      let non200 = 0;
      let badBody = 0;
      let transportErrors = 0;
      let firstProblem: string | undefined;
      const note = (problem: string) => {
        firstProblem ??= problem;
      };
      // `concurrency` loops, each sending its next request as soon as the previous one is answered.
      const loop = async (): Promise<void> => {
        while (next < spec.bodies.length) {
          const index = next;
          const body = spec.bodies[index];
          next += 1;
          if (body === undefined) break;
          sentAt[index] = performance.timeOrigin + performance.now();
          const result = await sendOne(agent, spec.port, spec.path, body);
          latencies[done] = result.ms;
          done += 1;
          if (result.error !== undefined) {
            transportErrors += 1;
            note(`transport error: ${result.error}`);
          } else if (result.status !== 200) {
            non200 += 1;
            note(`HTTP ${result.status}: ${JSON.stringify(result.body.slice(0, 120))}`);
          } else {
            const problem = judge(spec.check, result.body);
            if (problem !== undefined) {
              badBody += 1;
              note(problem);
            }
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(spec.concurrency, spec.bodies.length) }, loop));
      return { latenciesMs: latencies, sentAtMs: sentAt, non200, badBody, transportErrors, firstProblem };
    },
    async close() {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}
