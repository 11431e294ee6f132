import type { AllianceStatus } from '../../domain/alliance.js';
import {
  type Block,
  channelMention,
  context,
  divider,
  escapeText,
  type HomeView,
  header,
  section,
  slackDate,
} from './kit.js';

export interface HomeModel {
  alliances: readonly {
    name: string;
    channelId: string;
    status: AllianceStatus;
    versionNumber: number | null;
    openPulseClosesAt: Date | null;
    answeredOpenPulse: boolean;
    nextPulseAt: Date | null;
  }[];
}

const STATUS: Record<AllianceStatus, string> = {
  designing: 'being designed',
  consenting: 'waiting for everyone to agree',
  active: 'in effect',
  archived: 'archived',
};

const MAX_LISTED = 40;

/** The App Home tab: the alliances this person belongs to and where each stands. */
export function buildHomeView(model: HomeModel): HomeView {
  const blocks: Block[] = [
    header('Alliance'),
    section(
      'Alliance helps your team agree how it works together (the atmosphere you want, what each of you can be counted on for, how you act when things get difficult), check in on it, and renegotiate it when it no longer holds.',
    ),
    divider(),
  ];
  if (model.alliances.length === 0) {
    blocks.push(
      section(
        'You are not part of an alliance yet. In your team’s channel, type `/alliance start` to design one together.',
      ),
    );
  } else {
    for (const a of model.alliances.slice(0, MAX_LISTED)) {
      const version = a.versionNumber ? ` (version ${a.versionNumber})` : '';
      let pulse = '';
      if (a.openPulseClosesAt) {
        pulse = a.answeredOpenPulse
          ? `\nYou checked in on the open pulse.`
          : `\n:wave: A pulse is open until ${slackDate(a.openPulseClosesAt, '{date_short_pretty} at {time}')}: type \`/alliance checkin\` in ${channelMention(a.channelId)}.`;
      } else if (a.nextPulseAt) {
        pulse = `\nNext pulse ${slackDate(a.nextPulseAt, '{date_short_pretty} at {time}')}.`;
      }
      blocks.push(
        section(`*${escapeText(a.name)}* in ${channelMention(a.channelId)}: ${STATUS[a.status]}${version}.${pulse}`),
      );
    }
    if (model.alliances.length > MAX_LISTED)
      blocks.push(context([`…and ${model.alliances.length - MAX_LISTED} more.`]));
  }
  blocks.push(divider(), context(['`/alliance help` in any channel lists everything you can do.']));
  return { type: 'home', blocks };
}
