import type { types } from '@slack/bolt';
import type { Template } from '../../domain/templates/index.js';
import { ACTIONS, BLOCKS, INPUT_ACTION, promptBlockId, VIEWS } from '../ids.js';
import { designStepRef, roundRef } from '../payloads.js';
import {
  actions,
  type Block,
  button,
  channelMention,
  context,
  escapeText,
  header,
  type ModalView,
  plain,
  quoted,
  section,
  truncate,
  userMention,
} from './kit.js';

export interface DesignRoundModel {
  allianceId: string;
  roundId: number;
  allianceName: string;
  channelId: string;
  starterId: string;
  template: Pick<Template, 'name' | 'sections'>;
  members: readonly string[];
  finished: readonly string[];
  /** Set for a renegotiation: the version being reopened and why. */
  renegotiation?: { fromVersion: number; reason: string | null; startedBy: string };
  /** Once compiled, the announcement says so and drops its buttons. */
  compiledVersion?: number;
  /**
   * The channel may not see who answered, nor a member's reason for reopening (a members-only
   * alliance): the channel's announcement leaves them out; the members' DMs keep them.
   */
  membersOnly?: boolean;
}

/** "2 of 5 have answered: @a, @b" — names of who answered, never what they said. */
export function progressLine(members: readonly string[], finished: readonly string[]): string {
  const count = `${finished.length} of ${members.length} ${members.length === 1 ? 'has' : 'have'} answered`;
  if (finished.length === 0) return `${count} so far.`;
  const names = finished.slice(0, 30).map(userMention).join(', ');
  const more = finished.length > 30 ? ` and ${finished.length - 30} more` : '';
  return `${count}: ${names}${more}.`;
}

function roundValue(model: DesignRoundModel): string {
  return roundRef.encode({ allianceId: model.allianceId, roundId: model.roundId });
}

/** The channel message that opens a design round, kept up to date as members answer. */
export function buildDesignAnnouncement(model: DesignRoundModel): { text: string; blocks: Block[] } {
  const name = escapeText(model.allianceName);
  const steps = model.template.sections.map((s) => s.title).join(' → ');
  const blocks: Block[] = [];
  if (model.renegotiation && model.membersOnly) {
    blocks.push(header(`Renegotiating: ${truncate(model.allianceName, 120)}`));
    blocks.push(
      section(
        `Version ${model.renegotiation.fromVersion} of *${name}* is being renegotiated by its members. ` +
          'Each of them has the details in a direct message from Alliance. Version ' +
          `${model.renegotiation.fromVersion} stays in effect until everyone agrees to the new one.`,
      ),
    );
  } else if (model.renegotiation) {
    const reason = model.renegotiation.reason ? `\n>${quoted(model.renegotiation.reason, 500)}` : '';
    blocks.push(header(`Renegotiating: ${truncate(model.allianceName, 120)}`));
    blocks.push(
      section(
        `${userMention(model.renegotiation.startedBy)} reopened version ` +
          `${model.renegotiation.fromVersion} of *${name}*.${reason}\nYour answers from version ` +
          `${model.renegotiation.fromVersion} are filled in: change what no longer holds, keep ` +
          `what does. Version ${model.renegotiation.fromVersion} stays in effect until everyone ` +
          `agrees to the new one.`,
      ),
    );
  } else {
    blocks.push(header(`Let's design our alliance: ${truncate(model.allianceName, 110)}`));
    blocks.push(
      section(
        `${userMention(model.starterId)} started *${name}* (${escapeText(model.template.name)}) for ` +
          `${channelMention(model.channelId)}. Each member answers a few prompts in their own time ` +
          `(${escapeText(steps)}); the answers become our written agreement, and everyone is asked ` +
          `to agree to it.`,
      ),
    );
  }
  blocks.push(
    context([
      model.membersOnly
        ? 'Who has answered is shared with the members only.'
        : progressLine(model.members, model.finished),
    ]),
  );
  if (model.compiledVersion !== undefined) {
    blocks.push(
      context([
        `The answers are in: version ${model.compiledVersion} of the agreement has been shared. This round is closed.`,
      ]),
    );
  } else {
    blocks.push(
      actions(
        [
          button({ text: 'Add my answers', actionId: ACTIONS.addAnswers, value: roundValue(model), style: 'primary' }),
          button({ text: 'Compile now', actionId: ACTIONS.compileNow, value: roundValue(model) }),
        ],
        BLOCKS.designActions,
      ),
    );
    blocks.push(
      context([
        'The agreement is compiled when everyone has answered, or earlier when a member presses ' +
          'Compile now (at least two answers needed). You can change your answers until then.',
      ]),
    );
  }
  const count = `${model.finished.length} of ${model.members.length} answered.`;
  const text = model.renegotiation
    ? `${name}: version ${model.renegotiation.fromVersion} is being renegotiated. ${count}`
    : `Let's design our alliance: ${name}. ${count}`;
  return { text, blocks };
}

/** The DM each member gets: the same invitation, with the button that opens their prompts. */
export function buildDesignInvitation(model: DesignRoundModel, recipientId: string): { text: string; blocks: Block[] } {
  const name = escapeText(model.allianceName);
  const intro = model.renegotiation
    ? `${userMention(model.renegotiation.startedBy)} reopened *${name}* in ` +
      `${channelMention(model.channelId)} to renegotiate it.` +
      (model.renegotiation.reason ? `\n>${quoted(model.renegotiation.reason, 500)}\n` : ' ') +
      'Your current answers are filled in; change what no longer holds.'
    : `${userMention(model.starterId)} invited you to design *${name}* with ` +
      `${model.members.length - 1} ${model.members.length - 1 === 1 ? 'other' : 'others'} in ` +
      `${channelMention(model.channelId)}. It takes about ten minutes, and you can stop and pick ` +
      `up where you left off.`;
  const alreadyDone = model.finished.includes(recipientId)
    ? '\nYou have already added your answers; you can still change them until the agreement is compiled.'
    : '';
  const text = model.renegotiation ? `${name} is being renegotiated` : `You're invited to design ${name}`;
  if (model.compiledVersion !== undefined) {
    return {
      text,
      blocks: [
        section(intro),
        context([`The answers are in: version ${model.compiledVersion} of the agreement has been shared.`]),
      ],
    };
  }
  return {
    text,
    blocks: [
      section(`${intro}${alreadyDone}`),
      actions([
        button({ text: 'Add my answers', actionId: ACTIONS.addAnswers, value: roundValue(model), style: 'primary' }),
      ]),
    ],
  };
}

export interface DesignStepModel {
  allianceId: string;
  roundId: number;
  allianceName: string;
  template: Pick<Template, 'sections'>;
  step: number;
  answers: ReadonlyMap<string, string>;
  /** Per prompt id, a message to show under the input (server-side validation). */
  errors?: Readonly<Record<string, string>>;
}

/** One step of the prompts: a section of the template with the member's saved answers filled in. */
export function buildDesignStepView(model: DesignStepModel): ModalView {
  const sections = model.template.sections;
  const section_ = sections[model.step];
  if (!section_) throw new Error(`step ${model.step} is out of range`);
  const last = model.step === sections.length - 1;
  const blocks: Block[] = [
    header(section_.title),
    context([`Step ${model.step + 1} of ${sections.length} · ${escapeText(truncate(model.allianceName, 200))}`]),
    section(escapeText(section_.intro)),
  ];
  for (const prompt of section_.prompts) {
    const saved = model.answers.get(prompt.id);
    const element: types.PlainTextInput = {
      type: 'plain_text_input',
      action_id: INPUT_ACTION,
      multiline: true,
      max_length: prompt.maxLength,
      ...(saved ? { initial_value: saved.slice(0, prompt.maxLength) } : {}),
    };
    blocks.push({
      type: 'input',
      block_id: promptBlockId(prompt.id),
      label: plain(prompt.label, 2000),
      hint: plain(prompt.hint, 2000),
      optional: !prompt.required,
      element,
    });
  }
  blocks.push(
    context([
      last
        ? 'Only your teammates in this alliance will see your answers, attributed to you, in the compiled agreement.'
        : 'Your answers are saved at every step. Close this any time; you will pick up here next time.',
    ]),
  );
  return {
    type: 'modal',
    callback_id: VIEWS.designStep,
    private_metadata: designStepRef.encode({ allianceId: model.allianceId, roundId: model.roundId, step: model.step }),
    notify_on_close: true,
    title: plain('Design our alliance', 24),
    submit: plain(last ? 'Add my answers' : 'Save and continue', 24),
    close: plain('Save for later', 24),
    blocks,
  };
}

/** Shown in place of the modal once the last step is saved. */
export function buildDesignDoneView(allianceName: string, progress: string): ModalView {
  return {
    type: 'modal',
    title: plain('Design our alliance', 24),
    close: plain('Done', 24),
    blocks: [
      section(`:white_check_mark: Thank you, your answers for *${escapeText(allianceName)}* are saved.`),
      section(
        `${progress}\nYou can change your answers with *Add my answers* until the agreement is ` +
          `compiled; everyone will then be asked to agree to it.`,
      ),
    ],
  };
}
