import type { AgreementContent, ConsentProgress } from '../../domain/agreement.js';
import type { AllianceStatus } from '../../domain/alliance.js';
import { consentLine } from './agreement.js';
import { type Block, context, escapeText, header, section, slackDate, truncate, userMention } from './kit.js';

export interface ShowModel {
  allianceName: string;
  allianceStatus: AllianceStatus;
  version: {
    number: number;
    status: 'proposed' | 'active' | 'superseded' | 'withdrawn';
    compiledAt: Date;
    activatedAt: Date | null;
    content: AgreementContent;
    contentHash: string;
  } | null;
  consent: ConsentProgress | null;
  members: readonly string[];
  openReservations: number;
  permalink: string | null;
  versions: readonly {
    number: number;
    status: string;
    compiledAt: Date;
    activatedAt: Date | null;
    origin: string | null;
  }[];
  designProgress?: string;
}

const STATUS_WORDS: Record<string, string> = {
  proposed: 'waiting for everyone to agree',
  active: 'in effect',
  superseded: 'replaced by a later version',
  withdrawn: 'reopened before everyone agreed',
};

/** The ephemeral `/alliance show` answer: where things stand and a link to the posted agreement. */
export function buildShowMessage(model: ShowModel): { text: string; blocks: Block[] } {
  const name = escapeText(model.allianceName);
  const blocks: Block[] = [header(truncate(model.allianceName, 150))];
  if (!model.version) {
    blocks.push(
      section(
        `*${name}* is still being designed. ${model.designProgress ?? ''}\nThe agreement appears ` +
          `here once it is compiled.`,
      ),
    );
  } else {
    const v = model.version;
    const when = v.activatedAt
      ? `agreed ${slackDate(v.activatedAt, '{date_long}')}`
      : `compiled ${slackDate(v.compiledAt, '{date_long}')}`;
    const link = model.permalink
      ? `<${model.permalink}|Read version ${v.number}>`
      : '_The posted message could not be found._';
    blocks.push(section(`*Version ${v.number}* is ${STATUS_WORDS[v.status] ?? v.status} (${when}).\n${link}`));
    if (model.consent) blocks.push(context([consentLine(model.consent)]));
  }
  blocks.push(
    section(
      `*Members (${model.members.length}):* ` +
        `${model.members.map(userMention).join(', ') || '_none_'}\n*Open reservations:* ` +
        `${model.openReservations}`,
    ),
  );
  if (model.versions.length > 1) {
    const lines = model.versions
      .slice(-15)
      .map(
        (v) =>
          `• v${v.number}: ${STATUS_WORDS[v.status] ?? v.status}, ` +
          `${slackDate(v.activatedAt ?? v.compiledAt, '{date_short}')}${v.origin ? ` (${escapeText(truncate(v.origin, 120))})` : ''}`,
      );
    blocks.push(section(`*Versions*\n${lines.join('\n')}`));
  }
  blocks.push(context(['`/alliance show v1` shows an earlier version. `/alliance help` lists everything else.']));
  return { text: `${name}: ${model.version ? `version ${model.version.number}` : 'being designed'}`, blocks };
}
