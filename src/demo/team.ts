/**
 * The simulated workspace's people and channel: a small product team spread over five time zones,
 * and what each of them would write in the team template's prompts.
 */

export interface DemoPerson {
  id: string;
  name: string;
  realName: string;
  tz: string;
  /** Where they work, as the person switcher shows it. */
  city: string;
  /** Avatar colour. */
  color: string;
}

export const TEAM: readonly DemoPerson[] = [
  { id: 'UALICE', name: 'alice', realName: 'Alice Martin', tz: 'Europe/Berlin', city: 'Berlin', color: '#2f7d6d' },
  {
    id: 'UBRUNO',
    name: 'bruno',
    realName: 'Bruno Costa',
    tz: 'America/Sao_Paulo',
    city: 'São Paulo',
    color: '#b5532b',
  },
  { id: 'UCHEN', name: 'chen', realName: 'Chen Wei', tz: 'Asia/Singapore', city: 'Singapore', color: '#5b4bb7' },
  { id: 'UDANA', name: 'dana', realName: 'Dana Okafor', tz: 'America/New_York', city: 'New York', color: '#a23a78' },
  { id: 'UESHA', name: 'esha', realName: 'Esha Rao', tz: 'Asia/Kolkata', city: 'Bengaluru', color: '#1d6fa5' },
];

export const CHANNEL = { id: 'CTEAM', name: 'product-team' } as const;

export const TEAM_NAME = 'Northwind';

/** Answers to the team template's prompts, by prompt id, in each person's own voice. */
export const DESIGN_ANSWERS: Record<string, Record<string, string>> = {
  UALICE: {
    'atmosphere.culture':
      'Candid and kind: we say what we think in the room, and we would notice it in reviews that ask ' +
      'questions instead of passing judgement.',
    'atmosphere.feel': 'Calm, focused, and safe to be wrong.',
    'atmosphere.flourish': 'Fewer meetings, and one afternoon a week with no messages.',
    'co_responsibility.accountable': 'The roadmap and keeping our promises to other teams realistic.',
    'co_responsibility.count_on': 'I answer questions about priorities within a working day.',
    'co_responsibility.commit': 'I protect focus time; you will see it in a calendar with fewer meetings.',
    'behavior.difficult': 'Curious before certain. We ask "what do you see that I don\'t?" before arguing.',
    'behavior.ground_rules': 'Whoever owns the area decides after hearing everyone; decisions are written down.',
    'behavior.conflict_protocol': 'Talk directly within two days; ask a third person to help if that does not work.',
  },
  UBRUNO: {
    'atmosphere.culture': 'A team where help is asked for early and given without sighing.',
    'atmosphere.feel': 'Supportive and a little playful.',
    'co_responsibility.accountable': 'The payments service and its on-call rota.',
    'co_responsibility.count_on': 'I review pull requests within one working day.',
    'co_responsibility.commit': 'I pair with whoever is stuck for more than an hour.',
    'behavior.difficult': 'Patient with each other, impatient with the problem.',
    'behavior.ground_rules': 'Disagree in the open, commit once decided, revisit with new facts only.',
  },
  UCHEN: {
    'atmosphere.culture': 'Quiet voices get heard: written proposals first, discussion after.',
    'atmosphere.feel': 'Spacious and thoughtful.',
    'co_responsibility.accountable': 'Data quality and the weekly metrics.',
    'co_responsibility.count_on': 'Dashboards are correct by Monday morning, Singapore time.',
    'behavior.difficult': 'We slow down and write things down.',
    'behavior.ground_rules': 'Decisions that affect other time zones wait for them to be awake.',
  },
  UDANA: {
    'atmosphere.culture': 'We celebrate small wins and say thank you by name.',
    'atmosphere.feel': 'Energetic but sustainable.',
    'co_responsibility.accountable': 'Design and research with customers.',
    'co_responsibility.count_on': 'I share what I learn from customers every Friday.',
    'behavior.difficult': 'Honest about what we do not know.',
    'behavior.ground_rules': 'Strong opinions, loosely held; the customer evidence wins ties.',
  },
  UESHA: {
    'atmosphere.culture': 'Learning in public: we show unfinished work.',
    'atmosphere.feel': 'Challenging and encouraging.',
    'co_responsibility.accountable': 'The mobile app releases.',
    'co_responsibility.count_on': 'Release notes go out the day we ship.',
    'behavior.difficult': 'Calm under pressure; no blame in incidents.',
    'behavior.ground_rules': 'Anyone can stop a release they believe is unsafe.',
  },
};

/**
 * What a person writes for a prompt: their own answer, or nothing for an optional prompt they have
 * no answer to, or a stand-in for a required one of another template.
 */
export function designAnswer(userId: string, promptId: string, label: string, required: boolean): string | null {
  const answer = DESIGN_ANSWERS[userId]?.[promptId];
  if (answer) return answer;
  if (!required) return null;
  const person = TEAM.find((p) => p.id === userId);
  return `${person?.realName.split(' ')[0] ?? 'I'}'s answer to "${label}"`;
}

export type Mood = 'high' | 'mixed' | 'low';

export const MOODS: readonly Mood[] = ['high', 'mixed', 'low'];

/** What a teammate in this mood writes in the check-in's comment boxes. */
export const MOOD_COMMENTS: Record<Mood, { working: string[]; atRisk: string[] }> = {
  high: {
    working: [
      'Reviews are quick and kind.',
      'The written decisions save us so much back and forth.',
      'Pairing on the hard bugs helped a lot.',
    ],
    atRisk: ['Nothing big; maybe the Friday demos are getting long.', 'Release week was tight, but we held.'],
  },
  mixed: {
    working: ['Still good at helping each other.', 'The dashboards were right every Monday.', 'Demos are fun.'],
    atRisk: [
      'Decisions are being made in calls some of us cannot join.',
      'Reviews are starting to wait for days.',
      'I skipped my focus afternoon twice.',
    ],
  },
  low: {
    working: [
      'The on-call handover still works.',
      'People still answer when I ask for help.',
      'Customer interviews keep us grounded.',
    ],
    atRisk: [
      'We stopped writing decisions down and are arguing about them again.',
      'I feel I cannot say no to late meetings.',
      'Nobody has had focus time in weeks.',
    ],
  },
};
