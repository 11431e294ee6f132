import type { PrivacySettings } from '../../domain/permissions.js';
import { ACTIONS } from '../ids.js';
import { admissionRef, allianceRef, privacyChangeRef } from '../payloads.js';
import { actions, type Block, button, channelMention, context, escapeText, section, userMention } from './kit.js';

/**
 * The DM someone gets when they join the channel of an alliance they may not read yet (a
 * members-only one, or one they left): that it exists, and a way to ask to join. Nothing more.
 */
export function buildJoinInvitation(input: { allianceId: string; allianceName: string; channelId: string }): {
  text: string;
  blocks: Block[];
} {
  const name = escapeText(input.allianceName);
  return {
    text: `The team in this channel has an alliance: ${name}`,
    blocks: [
      section(
        `The team in ${channelMention(input.channelId)} works by an agreement it designed together, ` +
          `*${name}*, shared with its members. If you would like to be part of it, ask to join: a ` +
          `member admits you, and you then read the agreement and choose whether to commit to it.`,
      ),
      actions([
        button({
          text: 'Ask to join',
          actionId: ACTIONS.askToJoin,
          value: allianceRef.encode({ allianceId: input.allianceId }),
          style: 'primary',
        }),
      ]),
    ],
  };
}

/** The channel message asking the members to admit someone, and later saying who did. */
export function buildJoinRequest(input: {
  allianceId: string;
  allianceName: string;
  userId: string;
  admittedBy: string | null;
}): { text: string; blocks: Block[] } {
  const name = escapeText(input.allianceName);
  const who = userMention(input.userId);
  if (input.admittedBy) {
    return {
      text: `${who} was admitted to ${name}`,
      blocks: [
        section(
          `:wave: ${who} asked to join *${name}*; ${userMention(input.admittedBy)} admitted them. ` +
            `They can now read the agreement and commit to it.`,
        ),
      ],
    };
  }
  return {
    text: `${who} asks to join ${name}`,
    blocks: [
      section(
        `:wave: ${who} asks to join *${name}*. Any member can admit them; they will then read the ` +
          `agreement and choose whether to commit to it.`,
      ),
      actions([
        button({
          text: 'Admit them',
          actionId: ACTIONS.admit,
          value: admissionRef.encode({ allianceId: input.allianceId, userId: input.userId }),
          style: 'primary',
        }),
      ]),
    ],
  };
}

/** A privacy change in plain words, each part saying what it means for what comes next. */
export function describePrivacyChange(changes: Partial<PrivacySettings>): string[] {
  const parts: string[] = [];
  if (changes.anonymous === false) parts.push('pulses with names instead of anonymous ones, from the next pulse on');
  if (changes.anonymityThreshold !== undefined) {
    parts.push(`anonymous results shown from ${changes.anonymityThreshold} answers, for pulses from the next one on`);
  }
  if (changes.visibility === 'channel') {
    parts.push('new versions of the agreement posted in the channel (earlier ones stay with the members)');
  }
  return parts;
}

/** The channel message for a proposed privacy change: what would change, who agreed, and the two choices. */
export function buildPrivacyChangeMessage(input: {
  changeId: number;
  allianceName: string;
  proposedBy: string;
  changes: Partial<PrivacySettings>;
  agreed: readonly string[];
  waiting: readonly string[];
  status: 'proposed' | 'applied' | 'declined' | 'superseded';
  decidedBy: string | null;
}): { text: string; blocks: Block[] } {
  const name = escapeText(input.allianceName);
  const what = describePrivacyChange(input.changes)
    .map((p) => `• ${p}`)
    .join('\n');
  const head = section(
    `:lock: ${userMention(input.proposedBy)} proposes to change the privacy of ` +
      `*${name}*:\n${what}\nIt weakens what members were promised, so it applies only once every ` +
      `member has agreed, and never to pulses and posts that came before.`,
  );
  const progress = `${input.agreed.length} of ${input.agreed.length + input.waiting.length} agreed${
    input.waiting.length > 0 ? `; waiting for ${input.waiting.map(userMention).join(', ')}` : ''
  }.`;
  const value = privacyChangeRef.encode({ changeId: input.changeId });
  if (input.status === 'proposed') {
    return {
      text: `A privacy change for ${name} is waiting for every member's agreement`,
      blocks: [
        head,
        context([progress]),
        actions([
          button({ text: 'I agree', actionId: ACTIONS.agreePrivacyChange, value, style: 'primary' }),
          button({ text: 'Keep things as they are', actionId: ACTIONS.keepPrivacy, value }),
        ]),
      ],
    };
  }
  const outcome =
    input.status === 'applied'
      ? ':white_check_mark: Every member agreed: the change applies from now on.'
      : input.status === 'declined'
        ? `${input.decidedBy ? userMention(input.decidedBy) : 'A member'} chose to keep things as ` +
          `they are, so nothing changed.`
        : 'A newer proposal replaced this one.';
  return { text: `Privacy change for ${name}: ${input.status}`, blocks: [head, context([outcome])] };
}
