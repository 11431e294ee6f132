import {
  type Alliance,
  type AllianceSettings,
  type AllianceStatus,
  allianceSettingsSchema,
} from '../domain/alliance.js';
import type { TemplateId } from '../domain/templates/index.js';
import type { Db } from './db.js';
import { keepParsed } from './parsed-cache.js';

interface AllianceRow {
  id: string;
  team_id: string;
  channel_id: string;
  name: string;
  template_id: TemplateId;
  starter_id: string;
  status: AllianceStatus;
  settings_json: string;
  active_version_id: number | null;
  created_at: number;
  activated_at: number | null;
}

/**
 * Parsing an alliance's settings (JSON, then the schema) is most of the cost of reading its row,
 * and the same settings are read on every request that concerns the alliance: each settings text
 * is parsed once and its value kept, frozen, so no reader can change what the next one gets. The
 * texts are the key, so a change of settings is simply another text. Bounded: emptied when full.
 */
const parsedSettings = new Map<string, AllianceSettings>();
const PARSED_SETTINGS_LIMIT = 1000;

function settingsOf(json: string): AllianceSettings {
  const known = parsedSettings.get(json);
  if (known) return known;
  return keepParsed(parsedSettings, json, allianceSettingsSchema.parse(JSON.parse(json)), PARSED_SETTINGS_LIMIT);
}

const toAlliance = (row: AllianceRow): Alliance => ({
  id: row.id,
  teamId: row.team_id,
  channelId: row.channel_id,
  name: row.name,
  templateId: row.template_id,
  starterId: row.starter_id,
  status: row.status,
  settings: settingsOf(row.settings_json),
  activeVersionId: row.active_version_id,
  createdAt: new Date(row.created_at),
  activatedAt: row.activated_at === null ? null : new Date(row.activated_at),
});

export function createAlliancesRepo(db: Db) {
  // One live alliance per channel and one per setup modal: a second insert is a duplicate, not an error.
  const insert = db.prepare(`
    INSERT INTO alliances (id, team_id, channel_id, name, template_id, starter_id, status, settings_json, setup_view_id, created_at)
    VALUES (@id, @teamId, @channelId, @name, @templateId, @starterId, 'designing', @settings, @setupViewId, @now)
    ON CONFLICT DO NOTHING`);
  const byId = db.prepare('SELECT * FROM alliances WHERE id = ?');
  const bySetupView = db.prepare('SELECT * FROM alliances WHERE setup_view_id = ?');
  const liveInChannel = db.prepare(
    "SELECT * FROM alliances WHERE team_id = ? AND channel_id = ? AND status <> 'archived'",
  );
  const setStatus = db.prepare('UPDATE alliances SET status = ? WHERE id = ?');
  const archive = db.prepare(
    "UPDATE alliances SET status = 'archived', archived_at = @now WHERE id = @id AND status <> 'archived'",
  );
  const latestArchived = db.prepare(
    "SELECT * FROM alliances WHERE team_id = ? AND channel_id = ? AND status = 'archived' ORDER BY archived_at DESC LIMIT 1",
  );
  const activate = db.prepare(
    "UPDATE alliances SET status = 'active', active_version_id = @versionId, activated_at = coalesce(activated_at, @now) WHERE id = @id",
  );
  const updateSettings = db.prepare('UPDATE alliances SET settings_json = ? WHERE id = ?');
  const liveAlliances = db.prepare(
    "SELECT a.* FROM alliances a JOIN workspaces w ON w.team_id = a.team_id WHERE a.status <> 'archived' AND w.uninstalled_at IS NULL",
  );

  const addMember = db.prepare(`
    INSERT INTO alliance_members (alliance_id, team_id, user_id, joined_at) VALUES (@allianceId, @teamId, @userId, @now)
    ON CONFLICT (alliance_id, user_id) DO UPDATE SET left_at = NULL, left_reason = NULL, joined_at = excluded.joined_at
    WHERE alliance_members.left_at IS NOT NULL`);
  const removeMember = db.prepare(
    'UPDATE alliance_members SET left_at = @now, left_reason = @reason WHERE alliance_id = @allianceId AND user_id = @userId AND left_at IS NULL',
  );
  const currentMembers = db.prepare(
    'SELECT user_id FROM alliance_members WHERE alliance_id = ? AND left_at IS NULL ORDER BY joined_at, user_id',
  );
  const isMember = db.prepare(
    'SELECT 1 FROM alliance_members WHERE alliance_id = ? AND user_id = ? AND left_at IS NULL',
  );
  const membership = db.prepare('SELECT left_at FROM alliance_members WHERE alliance_id = ? AND user_id = ?');
  const everOf = db.prepare(`
    SELECT a.* FROM alliances a JOIN alliance_members m ON m.alliance_id = a.id
     WHERE a.team_id = ? AND m.user_id = ? ORDER BY a.created_at`);
  const ofMember = db.prepare(`
    SELECT a.* FROM alliances a JOIN alliance_members m ON m.alliance_id = a.id
     WHERE a.team_id = ? AND m.user_id = ? AND m.left_at IS NULL AND a.status <> 'archived'
     ORDER BY a.created_at`);

  return {
    create(
      input: Pick<Alliance, 'id' | 'teamId' | 'channelId' | 'name' | 'templateId' | 'starterId' | 'settings'> & {
        setupViewId: string | null;
        members: readonly string[];
        now: Date;
      },
    ): 'created' | 'duplicate' {
      const inserted = insert.run({ ...input, settings: JSON.stringify(input.settings), now: input.now.getTime() });
      if (inserted.changes === 0) return 'duplicate';
      for (const userId of input.members)
        addMember.run({ allianceId: input.id, teamId: input.teamId, userId, now: input.now.getTime() });
      return 'created';
    },
    get(id: string): Alliance | undefined {
      const row = byId.get(id) as AllianceRow | undefined;
      return row ? toAlliance(row) : undefined;
    },
    bySetupView(viewId: string): Alliance | undefined {
      const row = bySetupView.get(viewId) as AllianceRow | undefined;
      return row ? toAlliance(row) : undefined;
    },
    liveInChannel(teamId: string, channelId: string): Alliance | undefined {
      const row = liveInChannel.get(teamId, channelId) as AllianceRow | undefined;
      return row ? toAlliance(row) : undefined;
    },
    /** Every alliance not archived, in workspaces where the app is installed. */
    live(): Alliance[] {
      return (liveAlliances.all() as AllianceRow[]).map(toAlliance);
    },
    /** Ends an alliance; false when it already was. */
    archive(id: string, now: Date): boolean {
      return archive.run({ id, now: now.getTime() }).changes > 0;
    },
    /** The channel's most recently archived alliance, whose history stays readable. */
    latestArchivedInChannel(teamId: string, channelId: string): Alliance | undefined {
      const row = latestArchived.get(teamId, channelId) as AllianceRow | undefined;
      return row ? toAlliance(row) : undefined;
    },
    setStatus(id: string, status: AllianceStatus): void {
      setStatus.run(status, id);
    },
    activate(id: string, versionId: number, now: Date): void {
      activate.run({ id, versionId, now: now.getTime() });
    },
    updateSettings(id: string, settings: AllianceSettings): void {
      updateSettings.run(JSON.stringify(allianceSettingsSchema.parse(settings)), id);
    },
    addMember(allianceId: string, teamId: string, userId: string, now: Date): boolean {
      return addMember.run({ allianceId, teamId, userId, now: now.getTime() }).changes > 0;
    },
    removeMember(allianceId: string, userId: string, reason: string, now: Date): boolean {
      return removeMember.run({ allianceId, userId, reason, now: now.getTime() }).changes > 0;
    },
    members(allianceId: string): string[] {
      return currentMembers.pluck().all(allianceId) as string[];
    },
    /** Every alliance a person is or was a member of in a workspace, archived ones included. */
    everOf(teamId: string, userId: string): Alliance[] {
      return (everOf.all(teamId, userId) as AllianceRow[]).map(toAlliance);
    },
    /** The live alliances a person is a member of in a workspace. */
    ofMember(teamId: string, userId: string): Alliance[] {
      return (ofMember.all(teamId, userId) as AllianceRow[]).map(toAlliance);
    },
    /** 'member' now, 'former' (left or removed), or 'never'. */
    membershipOf(allianceId: string, userId: string): 'member' | 'former' | 'never' {
      const row = membership.get(allianceId, userId) as { left_at: number | null } | undefined;
      if (!row) return 'never';
      return row.left_at === null ? 'member' : 'former';
    },
    isMember(allianceId: string, userId: string): boolean {
      return isMember.get(allianceId, userId) !== undefined;
    },
  };
}

export type AlliancesRepo = ReturnType<typeof createAlliancesRepo>;
