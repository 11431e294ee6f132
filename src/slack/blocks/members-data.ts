import { VIEWS } from '../ids.js';
import { allianceRef, emptyRef } from '../payloads.js';
import { context, escapeText, type ModalView, plain, section } from './kit.js';

function confirmation(input: {
  callbackId: string;
  metadata: string;
  title: string;
  submit: string;
  body: string[];
}): ModalView {
  return {
    type: 'modal',
    callback_id: input.callbackId,
    private_metadata: input.metadata,
    title: plain(input.title, 24),
    submit: plain(input.submit, 24),
    close: plain('Cancel', 24),
    blocks: input.body.map((text, i) => (i === input.body.length - 1 ? context([text]) : section(text))),
  };
}

/** `/alliance leave`: what leaving means, and the button that does it. */
export function buildLeaveModal(input: { allianceId: string; allianceName: string }): ModalView {
  const name = escapeText(input.allianceName);
  return confirmation({
    callbackId: VIEWS.confirmLeave,
    metadata: allianceRef.encode({ allianceId: input.allianceId }),
    title: 'Leave the alliance',
    submit: 'Leave',
    body: [
      `You are about to leave *${name}*. You will get no more of its pulses or invitations, and the ` +
        `team will see that you left (it may be a reason to renegotiate).`,
      'Your name stays on the versions you agreed to: they are what the team agreed at the time. To ' +
        'be forgotten entirely, use `/alliance forget me` instead.',
    ],
  });
}

/** `/alliance forget me`: exactly what is deleted and what stays, before anything is. */
export function buildForgetModal(): ModalView {
  return confirmation({
    callbackId: VIEWS.confirmForget,
    metadata: emptyRef.encode({}),
    title: 'Forget me',
    submit: 'Delete my data',
    body: [
      'This deletes, in every alliance of this workspace: your answers and drafts, your named ' +
        'check-ins, whether you answered a pulse, your commitments’ statuses, your consents and ' +
        'reservations, and the messages queued for you. You leave every alliance you belong to.',
      'Agreements the team made keep a placeholder, “a former member”, instead of your name and your ' +
        'words, so they still read as a whole. Anonymous answers were never linked to you and stay ' +
        'part of the team’s figures.',
      'This cannot be undone. To keep a copy first, use `/alliance export`.',
    ],
  });
}

/** `/alliance archive`: what archiving ends, and what stays. */
export function buildArchiveModal(input: { allianceId: string; allianceName: string }): ModalView {
  const name = escapeText(input.allianceName);
  return confirmation({
    callbackId: VIEWS.confirmArchive,
    metadata: allianceRef.encode({ allianceId: input.allianceId }),
    title: 'Archive the alliance',
    submit: 'Archive it',
    body: [
      `Archiving *${name}* ends it: no more pulses, digests or signals, and an open pulse closes ` +
        `now. The channel is told who archived it.`,
      'Its history stays readable with `/alliance show`, and `/alliance start` can begin a new ' +
        'alliance in this channel.',
    ],
  });
}
