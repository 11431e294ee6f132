import { COMMAND } from '../../slack/ids.js';
import type { ListenerDeps } from '../deps.js';
import type { ListenerRegistry } from '../registry.js';
import { handleAllianceCommand } from './alliance.js';
import { handleCheckIn } from './checkin.js';
import { handleDigest } from './digest.js';
import { handleArchive, handleExport, handleForget, handleLeave, handleRetention } from './members-data.js';
import { handleRenegotiate } from './renegotiate.js';
import { handleSettings } from './settings.js';
import { handleShow } from './show.js';
import { handleStart } from './start.js';

export function registerCommands(on: ListenerRegistry, deps: ListenerDeps): void {
  on.command(
    COMMAND,
    handleAllianceCommand(deps, {
      start: handleStart(deps),
      show: handleShow(deps),
      checkin: handleCheckIn(deps),
      settings: handleSettings(deps),
      renegotiate: handleRenegotiate(deps),
      digest: handleDigest(deps),
      leave: handleLeave(deps),
      export: handleExport(deps),
      forget: handleForget(deps),
      archive: handleArchive(deps),
      retention: handleRetention(deps),
    }),
  );
}
