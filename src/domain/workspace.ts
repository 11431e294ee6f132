/** A Slack workspace Alliance is (or was) installed in. */

export interface Workspace {
  teamId: string;
  teamName: string | null;
  botUserId: string | null;
  installedAt: Date;
  uninstalledAt: Date | null;
}
