import type { Template } from './schema.js';

/**
 * Peers who need each other for a shared result contract early and explicitly: first the results
 * (what, who, why, when, how, when to celebrate), then the relationship and its safeguards.
 */
export const peerContractTemplate: Template = {
  id: 'peer_contract',
  version: 1,
  name: 'Peer partnership contract',
  summary: 'For peers working on a shared result: agree the results and the relationship up front, in writing.',
  minMembers: 2,
  sections: [
    {
      id: 'what_who',
      title: 'What and who',
      intro:
        'Pin down the result in words and numbers, and everyone it involves. Vague answers here come ' +
        'back as disputes later.',
      prompts: [
        {
          id: 'what_who.deliverables',
          label: 'What exactly will we deliver?',
          hint: 'The deliverables in words and numbers. What would an A+ result look like?',
          maxLength: 800,
          required: true,
          kind: 'text',
        },
        {
          id: 'what_who.for_whom',
          label: 'For whom are we doing this?',
          hint: 'The people who decide, own or fund the work.',
          maxLength: 400,
          required: true,
          kind: 'text',
        },
        {
          id: 'what_who.by_whom',
          label: 'What is my part of the work?',
          hint: 'What you will do and be accountable for. Pulses will ask how you are keeping it.',
          maxLength: 600,
          required: true,
          kind: 'commitment',
        },
        {
          id: 'what_who.serving_whom',
          label: 'Who should benefit most from the result?',
          hint: 'The people this work is ultimately for.',
          maxLength: 400,
          required: false,
          kind: 'text',
        },
      ],
    },
    {
      id: 'why_when',
      title: 'Why and when',
      intro:
        'Make the purpose explicit instead of assuming everyone sees it the same way, and agree the dates that matter.',
      prompts: [
        {
          id: 'why_when.purpose',
          label: 'Why are we doing this?',
          hint: 'The problem we are solving or the opportunity we are taking.',
          maxLength: 600,
          required: true,
          kind: 'text',
        },
        {
          id: 'why_when.evidence',
          label: 'What facts led us here?',
          hint: 'What we know about the problem, and why we believe this approach will work.',
          maxLength: 600,
          required: false,
          kind: 'text',
        },
        {
          id: 'why_when.deadlines',
          label: 'What are the real deadlines and milestones?',
          hint: 'When each of us delivers what to whom, and when we check and report progress.',
          maxLength: 600,
          required: true,
          kind: 'text',
        },
      ],
    },
    {
      id: 'how',
      title: 'How',
      intro: 'Agree the strategy and the information that has to flow for it to work.',
      prompts: [
        {
          id: 'how.on_board',
          label: 'How will we know everyone is on board with the effort this takes?',
          hint: 'The time and energy each of us is really signing up for.',
          maxLength: 600,
          required: true,
          kind: 'text',
        },
        {
          id: 'how.information',
          label: 'What information must be shared, by whom, about whom?',
          hint: 'What each of us needs to know to do the work and assess it.',
          maxLength: 600,
          required: false,
          kind: 'text',
        },
        {
          id: 'how.means',
          label: 'By what means will we reach the result?',
          hint: 'The key elements of the plan.',
          maxLength: 600,
          required: false,
          kind: 'text',
        },
        {
          id: 'how.measures',
          label: 'How will we measure quality and the use of resources?',
          hint: 'The measures we will track along the way.',
          maxLength: 600,
          required: false,
          kind: 'text',
        },
      ],
    },
    {
      id: 'celebration',
      title: 'Celebration',
      intro: 'Decide now what success is and when you will celebrate it, so you recognise it when it comes.',
      prompts: [
        {
          id: 'celebration.targets',
          label: 'Which targets will tell us we have succeeded?',
          hint: 'Numbers where you can. When will they be measured and shared?',
          maxLength: 600,
          required: true,
          kind: 'text',
        },
        {
          id: 'celebration.credit',
          label: 'Who announces the result, and how is credit shared?',
          hint: 'Say it now so no one has to guess later.',
          maxLength: 400,
          required: false,
          kind: 'text',
        },
        {
          id: 'celebration.failure',
          label: 'What would count as failure, and how do we share accountability?',
          hint: 'Also: which hand-offs keep the result going after we are done?',
          maxLength: 600,
          required: false,
          kind: 'text',
        },
      ],
    },
    {
      id: 'relationship',
      title: 'The relationship',
      intro:
        'Beyond the result: what you each hope to get from working together, and what a great ' +
        'partnership looks like to you.',
      prompts: [
        {
          id: 'relationship.hopes',
          label: 'What do I hope to get from this, beyond the result?',
          hint: 'Learning, meaning, recognition, a stronger relationship…',
          maxLength: 600,
          required: true,
          kind: 'text',
        },
        {
          id: 'relationship.great_partnership',
          label: 'What does a great partnership look and feel like to me?',
          hint: 'There are no wrong answers, only expectations worth making visible: autonomy, frequent check-points…',
          maxLength: 600,
          required: true,
          kind: 'text',
        },
        {
          id: 'relationship.communication',
          label: 'How will we share routine news, and warn each other when something may go wrong?',
          hint: 'Channels, frequency, and how early we raise a worry.',
          maxLength: 600,
          required: true,
          kind: 'text',
        },
        {
          id: 'relationship.disagree',
          label: 'How will we disagree, and how will we speak of each other to others?',
          hint: 'On good days and on bad days.',
          maxLength: 600,
          required: true,
          kind: 'text',
        },
        {
          id: 'relationship.time',
          label: 'How much time will we spend together, and how much of our lives will we share?',
          hint: 'Meetings, pairing, how personal we want to get.',
          maxLength: 400,
          required: false,
          kind: 'text',
        },
      ],
    },
    {
      id: 'safeguards',
      title: 'Safeguards',
      intro:
        'Name what could damage the partnership and agree how you will handle it. This is also where ' +
        'you decide when to renegotiate.',
      prompts: [
        {
          id: 'safeguards.triggers',
          label: 'Knowing ourselves, what could damage our partnership?',
          hint: 'Trigger points, pressures, old habits.',
          maxLength: 600,
          required: true,
          kind: 'text',
        },
        {
          id: 'safeguards.imbalances',
          label: 'What imbalances might appear, and what will we do when they do?',
          hint: 'Real or perceived: workload, visibility, credit, access.',
          maxLength: 600,
          required: false,
          kind: 'text',
        },
        {
          id: 'safeguards.setbacks',
          label: 'How will we deal with surprises, setbacks and lapses?',
          hint: 'How we uncover them, tell each other, and resolve them.',
          maxLength: 600,
          required: true,
          kind: 'text',
        },
        {
          id: 'safeguards.confidentiality',
          label: 'What is fine to talk about, and with whom? What is not?',
          hint: 'Our needs for confidentiality.',
          maxLength: 600,
          required: true,
          kind: 'text',
        },
        {
          id: 'safeguards.reservations',
          label: 'What are my main reservations about going ahead?',
          hint: 'Up to three, and how we should keep an eye on them.',
          maxLength: 600,
          required: false,
          kind: 'text',
        },
        {
          id: 'safeguards.renegotiate',
          label: 'What would tell us to renegotiate this agreement, and who starts it?',
          hint: 'Alliance can watch for signals you choose in the settings; write down the human ones here.',
          maxLength: 600,
          required: true,
          kind: 'text',
        },
        {
          id: 'safeguards.other',
          label: 'What else feels important to raise now?',
          hint: 'Anything about working together that is not covered above.',
          maxLength: 600,
          required: false,
          kind: 'text',
        },
      ],
    },
  ],
  aspects: [
    { id: 'results', label: 'Results', question: 'Are we delivering what we agreed, for whom, by when?' },
    { id: 'relationship', label: 'Relationship', question: 'Does our partnership feel the way we described it?' },
    {
      id: 'safeguards',
      label: 'Safeguards',
      question: 'Are we handling surprises, imbalances and reservations as agreed?',
    },
  ],
};
