import type { Template } from './schema.js';

/** The default: a whole team agrees on its atmosphere, shared responsibility and behaviour. */
export const teamTemplate: Template = {
  id: 'team',
  version: 1,
  name: 'Team alliance',
  summary: 'For a whole team: the atmosphere you want, what each of you owns, and how you act when it gets hard.',
  minMembers: 2,
  sections: [
    {
      id: 'atmosphere',
      title: 'The atmosphere',
      intro:
        'Describe the climate you want to work in together. Be concrete: what would someone notice ' +
        'if they spent a day with this team?',
      prompts: [
        {
          id: 'atmosphere.culture',
          label: 'What culture do we want to create together?',
          hint: 'And how would we notice that we have it? Name a few signs you could actually see.',
          maxLength: 800,
          required: true,
          kind: 'text',
        },
        {
          id: 'atmosphere.feel',
          label: 'How should working here feel?',
          hint: 'A few words are enough: supportive, spacious, challenging, candid, calm…',
          maxLength: 400,
          required: true,
          kind: 'text',
        },
        {
          id: 'atmosphere.flourish',
          label: 'What would help this team flourish?',
          hint: 'Conditions, habits or support that would let us do our best work together.',
          maxLength: 800,
          required: false,
          kind: 'text',
        },
      ],
    },
    {
      id: 'co_responsibility',
      title: 'Co-responsibility',
      intro:
        'Say what you personally own and what the others can rely on you for. Your answers here ' +
        'become your commitments, and pulses will ask how you are keeping them.',
      prompts: [
        {
          id: 'co_responsibility.accountable',
          label: 'What will I be accountable for?',
          hint: 'The outcomes or areas you take responsibility for in this team.',
          maxLength: 800,
          required: true,
          kind: 'text',
        },
        {
          id: 'co_responsibility.count_on',
          label: 'What can the team count on from me?',
          hint: 'A promise others can rely on, e.g. "I review pull requests within one working day".',
          maxLength: 600,
          required: true,
          kind: 'commitment',
        },
        {
          id: 'co_responsibility.commit',
          label: 'What do I commit to for the others, and how will we know?',
          hint: 'Something you will do for your teammates, and the sign that shows you are doing it.',
          maxLength: 600,
          required: false,
          kind: 'commitment',
        },
      ],
    },
    {
      id: 'behavior',
      title: 'Behavioral agreements',
      intro:
        'Agree now, while things are calm, how you want to act when they are not: under pressure, in ' +
        'conflict, when a decision is hard.',
      prompts: [
        {
          id: 'behavior.difficult',
          label: 'Who do we want to be when things get difficult?',
          hint: 'And how would we know we are living up to it?',
          maxLength: 800,
          required: true,
          kind: 'text',
        },
        {
          id: 'behavior.ground_rules',
          label: 'What are our ground rules for conflict and decisions?',
          hint: 'How we disagree, who decides what, how we decide when we do not agree.',
          maxLength: 800,
          required: true,
          kind: 'text',
        },
        {
          id: 'behavior.conflict_protocol',
          label: 'What is our protocol when a conflict comes up?',
          hint: 'The concrete steps: who talks to whom, how soon, and when we ask for help.',
          maxLength: 800,
          required: false,
          kind: 'text',
        },
      ],
    },
  ],
  aspects: [
    { id: 'atmosphere', label: 'Atmosphere', question: 'How well are we living the atmosphere we agreed on?' },
    {
      id: 'co_responsibility',
      label: 'Co-responsibility',
      question: 'How well are we keeping our commitments to one another?',
    },
    {
      id: 'behavior',
      label: 'Behavioral agreements',
      question: 'How well are we following our agreements when things get difficult?',
    },
  ],
};
