import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { CheckInAnswers } from '../domain/pulse.js';

/** What is sealed: an anonymous answer without the member's own commitments (those are kept with their name). */
export type SealedAnswers = Omit<CheckInAnswers, 'commitments'>;

/**
 * Seals anonymous answers while their pulse is open (AES-256-GCM), with a key derived from a
 * secret the database does not hold, so the database files alone never hold what someone answered
 * next to the fact that they answered. Every sealed answer has the same size, so its length says
 * nothing about how much was written.
 */
export interface AnswerSealer {
  seal(pulseId: number, answers: SealedAnswers): Buffer;
  /** Null when the answer cannot be opened (the secret changed while the pulse was open). */
  open(pulseId: number, sealed: Buffer): SealedAnswers | null;
}

/** Plaintext is padded to a multiple of this (every valid answer fits in one block). */
const PADDED_BYTES = 8192;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function createAnswerSealer(secret: string): AnswerSealer {
  const keyFor = (pulseId: number) =>
    Buffer.from(hkdfSync('sha256', secret, 'alliance: anonymous answers', `pulse ${pulseId}`, 32));

  return {
    seal(pulseId, answers) {
      const json = Buffer.from(JSON.stringify(answers), 'utf8');
      const size = Math.ceil((json.length + 1) / PADDED_BYTES) * PADDED_BYTES;
      const padded = Buffer.alloc(size, 0x20);
      json.copy(padded);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keyFor(pulseId), iv);
      const body = Buffer.concat([cipher.update(padded), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    open(pulseId, sealed) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', keyFor(pulseId), sealed.subarray(0, IV_BYTES));
        decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
        return JSON.parse(plain.toString('utf8').trimEnd()) as SealedAnswers;
      } catch {
        return null;
      }
    },
  };
}
