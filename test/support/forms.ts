import type { SetupForm } from '../../src/domain/setup.js';

/** Setup form values as the modal would carry them. */
export function setupForm(overrides: Partial<SetupForm> = {}): SetupForm {
  return {
    name: 'Core team',
    channelId: 'CTEAM',
    members: ['UALICE', 'UBOB', 'UCAROL'],
    templateId: 'team',
    cadence: 'weekly',
    pulseWeekday: '4',
    pulseTime: '10:00',
    timeZone: 'Europe/Paris',
    digestWeekday: '1',
    digestTime: '09:30',
    anonymous: false,
    anonymityThreshold: '3',
    visibility: 'channel',
    ...overrides,
  };
}
