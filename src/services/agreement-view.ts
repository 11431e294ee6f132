import { type AgreementVersion, consentProgress } from '../domain/agreement.js';
import { designProgress } from '../domain/design.js';
import { may } from '../domain/permissions.js';
import { visibilityInForce } from '../domain/visibility.js';
import { progressLine } from '../slack/blocks/design.js';
import { buildShowMessage } from '../slack/blocks/show.js';
import { NOTICES, type Notice, notice } from '../slack/notices.js';
import type { Store } from '../store/index.js';
import { standingOf } from './access.js';
import type { AgreementPublisher } from './agreement-publisher.js';

type ShowMessage = ReturnType<typeof buildShowMessage>;

/** `/alliance show [vN]`: a version of the agreement, with consent, members and history. */
export function createAgreementViewService(deps: { store: Store; publisher: AgreementPublisher }) {
  const { store } = deps;

  /** The version asked for (`v2`, `2`), or by default the one waiting for consent, else the one in effect. */
  function pick(versions: AgreementVersion[], versionArg: string): AgreementVersion | undefined | Notice {
    if (!versionArg) {
      return (
        versions.find((v) => v.status === 'proposed') ?? versions.find((v) => v.status === 'active') ?? versions.at(-1)
      );
    }
    const match = /^v?(\d{1,4})$/i.exec(versionArg.trim());
    if (!match) return notice(NOTICES.showUsage);
    const version = versions.find((v) => v.number === Number(match[1]));
    return version ?? notice(NOTICES.noSuchVersion(match[1] ?? '', versions.length));
  }

  async function show(input: {
    teamId: string;
    userId: string;
    channelId: string;
    versionArg: string;
  }): Promise<ShowMessage | Notice> {
    // An archived alliance's history stays readable until a new one starts in the channel.
    const alliance =
      store.alliances.liveInChannel(input.teamId, input.channelId) ??
      store.alliances.latestArchivedInChannel(input.teamId, input.channelId);
    if (!alliance) return notice(NOTICES.noAllianceHere);
    const versions = store.agreements.versions(alliance.id);
    const standing = standingOf(store, alliance.id, input.userId);
    // Someone who is not a member is shown the version in effect unless they name another.
    const version =
      standing === 'member' || input.versionArg
        ? pick(versions, input.versionArg)
        : (versions.find((v) => v.id === alliance.activeVersionId) ?? pick(versions, ''));
    if (version && 'kind' in version) return version;
    // A version stays with the members if it was written for them, whatever the setting is now.
    const visibility = visibilityInForce(alliance.settings.visibility, ...(version ? [version.visibility] : []));
    const decision = may({
      action: 'see-agreement',
      standing,
      visibility,
      inEffect: version !== undefined && version.id === alliance.activeVersionId,
    });
    if (!decision.allowed) return notice(NOTICES.membersOnly(alliance));
    const members = store.alliances.members(alliance.id);
    const round = store.design.currentOpenRound(alliance.id);
    const finishedIds = round ? store.design.finishedMembers(round.id) : new Set<string>();
    return buildShowMessage({
      allianceName: alliance.name,
      allianceStatus: alliance.status,
      version: version
        ? {
            number: version.number,
            status: version.status,
            compiledAt: version.compiledAt,
            activatedAt: version.activatedAt,
            content: version.content,
            contentHash: version.contentHash,
          }
        : null,
      consent: version
        ? consentProgress(
            version.status === 'proposed' ? members : version.content.members,
            store.agreements.consents(version.id),
          )
        : null,
      members,
      openReservations: store.agreements.reservations(alliance.id, 'open').length,
      permalink: version ? await deps.publisher.permalinkFor(version.id, input.userId) : null,
      versions: versions.map((v) => ({
        number: v.number,
        status: v.status,
        compiledAt: v.compiledAt,
        activatedAt: v.activatedAt,
        origin: store.design.round(v.roundId)?.reason ?? null,
      })),
      ...(round ? { designProgress: progressLine(members, designProgress(members, finishedIds).finished) } : {}),
    });
  }

  return { show };
}

export type AgreementViewService = ReturnType<typeof createAgreementViewService>;
