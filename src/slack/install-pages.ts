import type { ServerResponse } from 'node:http';

/**
 * The bot scopes Alliance asks for when it is installed through OAuth; the same list as the
 * manifests' `oauth_config.scopes.bot` (a test keeps them equal).
 */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'channels:read',
  'groups:read',
  'channels:join',
  'users:read',
  'im:write',
  'im:history',
  'pins:write',
  'files:write',
] as const;

export const INSTALL_PATH = '/slack/install';
export const REDIRECT_PATH = '/slack/oauth_redirect';

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function page(res: ServerResponse, status: number, title: string, paragraphs: string[]): void {
  const body = paragraphs.map((p) => `<p>${p}</p>`).join('\n');
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`);
}

/** After Slack's OAuth flow succeeded: where Alliance now is, and what to do first. */
export function installedPage(res: ServerResponse, where: { teamName: string | null; orgWide: boolean }): void {
  const place = where.teamName ? escapeHtml(where.teamName) : where.orgWide ? 'your organization' : 'your workspace';
  page(res, 200, 'Alliance is installed', [
    `Alliance is now installed in <strong>${place}</strong>.`,
    'To begin, open Slack, go to the channel of the team that wants a working agreement, and type <code>/alliance start</code>. <code>/alliance help</code> lists everything else.',
    'You can close this page.',
  ]);
}

/** The OAuth flow did not complete: what happened, that nothing was installed, and how to try again. */
export function notInstalledPage(res: ServerResponse, code: string): void {
  const why =
    code === 'slack_oauth_installer_authorization_error'
      ? 'The installation was cancelled, or Slack did not confirm it.'
      : code === 'slack_oauth_invalid_state' || code === 'slack_oauth_missing_state'
        ? 'This installation link has expired, or it was opened in a different browser from the one that started it.'
        : 'Slack did not complete the installation.';
  page(res, 400, 'Alliance was not installed', [
    `${why} Nothing was installed.`,
    `To try again, open <a href="${INSTALL_PATH}">${INSTALL_PATH}</a> on this server. If it keeps failing, the person running Alliance will find the reason in its log.`,
  ]);
}
