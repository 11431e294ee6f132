import { describe, expect, it } from 'vitest';
import { expired, purgeDueAt, REFRESH_AHEAD_MS, refreshDue } from '../../src/domain/installation.js';

const now = new Date('2026-01-05T08:00:00Z');
const inMs = (ms: number) => new Date(now.getTime() + ms);

describe('installation tokens', () => {
  it.each([
    ['a token that does not expire', { refreshToken: null, expiresAt: null }, false, false],
    ['one with 12 hours left', { refreshToken: 'r', expiresAt: inMs(12 * 3_600_000) }, false, false],
    ['one just outside the two hours', { refreshToken: 'r', expiresAt: inMs(REFRESH_AHEAD_MS + 1) }, false, false],
    ['one with exactly two hours left', { refreshToken: 'r', expiresAt: inMs(REFRESH_AHEAD_MS) }, true, false],
    ['one with a minute left', { refreshToken: 'r', expiresAt: inMs(60_000) }, true, false],
    ['one that expired this instant', { refreshToken: 'r', expiresAt: now }, true, true],
    ['one long expired', { refreshToken: 'r', expiresAt: inMs(-3 * 86_400_000) }, true, true],
    ['an expiring one without a refresh token', { refreshToken: null, expiresAt: inMs(60_000) }, false, false],
  ])('%s: renewed first %s, unusable %s', (_what, token, due, gone) => {
    expect(refreshDue(token, now)).toBe(due);
    expect(expired(token, now)).toBe(gone);
  });

  it('deletes an uninstalled workspace’s data when the grace period ends', () => {
    expect(purgeDueAt(new Date('2026-01-31T10:00:00Z'), 30)).toEqual(new Date('2026-03-02T10:00:00Z'));
    expect(purgeDueAt(now, 0)).toEqual(now);
  });
});
