import type { AllianceStatus } from '../../domain/alliance.js';
import { ACTIONS } from '../ids.js';
import { admissionRef, allianceRef, pulseRef, roundRef, versionRef } from '../payloads.js';
import {
  actions,
  type Block,
  button,
  channelMention,
  context,
  divider,
  escapeText,
  type HomeView,
  header,
  LIMITS,
  quoted,
  section,
  slackDate,
  userMention,
} from './kit.js';

/** Something that waits for this person, with the button that does it. */
export type WaitingItem =
  | {
      kind: 'answers';
      allianceId: string;
      allianceName: string;
      channelId: string;
      roundId: number;
      renegotiation: boolean;
    }
  | {
      kind: 'consent';
      allianceId: string;
      allianceName: string;
      versionId: number;
      versionNumber: number;
      agreed: number;
      asked: number;
    }
  | { kind: 'check-in'; allianceName: string; pulseId: number; closesAt: Date }
  | { kind: 'reservation'; allianceId: string; allianceName: string; versionNumber: number; concern: string }
  | { kind: 'admit'; allianceId: string; allianceName: string; userId: string };

export interface AllianceSummary {
  name: string;
  channelId: string;
  status: AllianceStatus;
  versionNumber: number | null;
  /** A version waiting for consent: how many agreed out of how many are asked. */
  proposed: { number: number; agreed: number; asked: number } | null;
  renegotiating: { finished: number; members: number } | null;
  openPulseClosesAt: Date | null;
  answeredOpenPulse: boolean;
  nextPulseAt: Date | null;
}

export interface HomeModel {
  waiting: readonly WaitingItem[];
  alliances: readonly AllianceSummary[];
}

const STATUS: Record<AllianceStatus, string> = {
  designing: 'being designed',
  consenting: 'waiting for everyone to agree',
  active: 'in effect',
  archived: 'archived',
};

/** At most this many of each list, so a Home stays well within Slack's 100 blocks. */
export const MAX_WAITING = 20;
export const MAX_ALLIANCES = 20;

function waitingBlocks(item: WaitingItem): Block[] {
  const name = `*${escapeText(item.allianceName)}*`;
  switch (item.kind) {
    case 'answers':
      return [
        section(
          item.renegotiation
            ? `:pencil2: ${name} is being renegotiated: revisit your answers (your current ones are filled in).`
            : `:pencil2: ${name} is waiting for your answers to its prompts.`,
        ),
        actions([
          button({
            text: 'Add my answers',
            actionId: ACTIONS.addAnswers,
            value: roundRef.encode({ allianceId: item.allianceId, roundId: item.roundId }),
            style: 'primary',
          }),
        ]),
      ];
    case 'consent':
      return [
        section(
          `:handshake: Version ${item.versionNumber} of ${name} is waiting for your consent ` +
            `(${item.agreed} of ${item.asked} agreed). Read it in its message first; \`/alliance ` +
            `show\` finds it.`,
        ),
        actions([
          button({
            text: 'I agree',
            actionId: ACTIONS.agree,
            value: versionRef.encode({ allianceId: item.allianceId, versionId: item.versionId }),
            style: 'primary',
          }),
          button({
            text: 'I have reservations',
            actionId: ACTIONS.reservations,
            value: versionRef.encode({ allianceId: item.allianceId, versionId: item.versionId }),
          }),
        ]),
      ];
    case 'check-in':
      return [
        section(
          `:wave: A pulse of ${name} is open until ${slackDate(item.closesAt, '{date_short_pretty} at {time}')}.`,
        ),
        actions([
          button({
            text: 'Check in',
            actionId: ACTIONS.checkIn,
            value: pulseRef.encode({ pulseId: item.pulseId }),
            style: 'primary',
          }),
        ]),
      ];
    case 'reservation':
      return [
        section(
          `:warning: Your reservation about version ${item.versionNumber} of ${name} is still open: ` +
            `${quoted(item.concern, 200)} Pulses ask whether it is still a concern; if the ` +
            `agreement should change, start a renegotiation.`,
        ),
        actions([
          button({
            text: 'Start a renegotiation',
            actionId: ACTIONS.renegotiateFromHome,
            value: allianceRef.encode({ allianceId: item.allianceId }),
          }),
        ]),
      ];
    case 'admit':
      return [
        section(`:wave: ${userMention(item.userId)} asks to join ${name}.`),
        actions([
          button({
            text: 'Admit them',
            actionId: ACTIONS.admit,
            value: admissionRef.encode({ allianceId: item.allianceId, userId: item.userId }),
            style: 'primary',
          }),
        ]),
      ];
  }
}

function summaryText(a: AllianceSummary): string {
  const lines = [
    `*${escapeText(a.name)}* in ${channelMention(a.channelId)}: ` +
      `${STATUS[a.status]}${a.versionNumber ? `, version ${a.versionNumber}` : ''}.`,
  ];
  if (a.proposed)
    lines.push(
      `Version ${a.proposed.number} is waiting for consent: ${a.proposed.agreed} of ${a.proposed.asked} agreed.`,
    );
  if (a.renegotiating)
    lines.push(`Renegotiation under way: ${a.renegotiating.finished} of ${a.renegotiating.members} have answered.`);
  if (a.openPulseClosesAt) {
    lines.push(
      a.answeredOpenPulse
        ? 'You checked in on the open pulse.'
        : `A pulse is open until ${slackDate(a.openPulseClosesAt, '{date_short_pretty} at {time}')}.`,
    );
  } else if (a.nextPulseAt) {
    lines.push(`Next pulse ${slackDate(a.nextPulseAt, '{date_short_pretty} at {time}')}.`);
  }
  return lines.join('\n');
}

/** The App Home tab: first what waits for this person, then each alliance they belong to. */
export function buildHomeView(model: HomeModel): HomeView {
  const blocks: Block[] = [header('Alliance')];
  if (model.alliances.length === 0) {
    blocks.push(
      section(
        'Alliance helps a team agree how it works together (the atmosphere you want, what each of ' +
          'you can be counted on for, how you act when things get difficult), check in on it, and ' +
          'renegotiate it when it no longer holds.',
      ),
      section(
        'You are not part of an alliance yet. To start one, type `/alliance start` in your team’s ' +
          'channel: Alliance walks everyone through a few prompts, writes up the agreement and ' +
          'asks each member to agree.',
      ),
    );
  } else {
    blocks.push(header('Waiting for you'));
    if (model.waiting.length === 0) blocks.push(section('Nothing right now. :relaxed:'));
    for (const item of model.waiting.slice(0, MAX_WAITING)) blocks.push(...waitingBlocks(item));
    if (model.waiting.length > MAX_WAITING) {
      blocks.push(
        context([`…and ${model.waiting.length - MAX_WAITING} more; they come back here as you deal with these.`]),
      );
    }
    blocks.push(divider(), header('Your alliances'));
    for (const a of model.alliances.slice(0, MAX_ALLIANCES)) blocks.push(section(summaryText(a)));
    if (model.alliances.length > MAX_ALLIANCES) {
      blocks.push(context([`…and ${model.alliances.length - MAX_ALLIANCES} more.`]));
    }
  }
  blocks.push(divider(), context(['`/alliance help` in any channel lists everything you can do.']));
  return { type: 'home', blocks: blocks.slice(0, LIMITS.viewBlocks) };
}
