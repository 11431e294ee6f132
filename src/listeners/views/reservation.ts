import { INPUT_ACTION, RESERVATION_BLOCKS, VIEWS } from '../../slack/ids.js';
import { NOTICES } from '../../slack/notices.js';
import { stateReader, versionRef } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import { errorsOn, onSubmit } from '../on-submit.js';
import type { ListenerRegistry } from '../registry.js';

export function registerReservationView(on: ListenerRegistry, deps: ListenerDeps): void {
  onSubmit(on, deps, VIEWS.reservation, versionRef, (s) => {
    const read = stateReader(s.values, INPUT_ACTION);
    const result = deps.consent.submitReservation({
      teamId: s.teamId,
      userId: s.userId,
      viewId: s.viewId,
      allianceId: s.meta.allianceId,
      versionId: s.meta.versionId,
      concern: read.text(RESERVATION_BLOCKS.concern),
      watch: read.text(RESERVATION_BLOCKS.watch),
      now: deps.clock.now(),
    });
    if (result.kind !== 'saved')
      return result.kind === 'errors'
        ? { kind: 'errors', errors: errorsOn(result.errors, RESERVATION_BLOCKS) }
        : result;
    return {
      kind: 'notice',
      text: NOTICES.reservationShared,
      after: result.share,
    };
  });
}
