import type { AgreementContent } from './agreement.js';

/** One alliance as an export holds it: the versions its reader may read, and the figures of anonymous pulses. */
export interface ExportedAlliance {
  id: string;
  name: string;
  channelId: string;
  versions: { number: number; status: string; compiledAt: Date; content: AgreementContent }[];
  /** Anonymous answers are exported only as the team's figures, as a member may see them. */
  anonymousPulses: {
    scheduledAt: string;
    answered: number;
    invited: number;
    averages: Record<string, number | null>;
    precision: string;
  }[];
}

/** What the person wrote, by alliance id (see the store's `PersonalRecords`). */
export interface ExportRecords {
  designAnswers: { allianceId: string; roundId: number; promptId: string; text: string }[];
  checkIns: { allianceId: string; pulseId: number; scheduledAt: Date; [field: string]: unknown }[];
  commitmentChecks: { allianceId: string; pulseId: number; promptId: string; status: string }[];
  consents: { allianceId: string; versionNumber: number; agreedAt: Date }[];
  reservations: { allianceId: string; versionNumber: number; concern: string; watch: string; status: string }[];
}

/** A version as Markdown, with people by name. */
export function agreementMarkdown(
  version: ExportedAlliance['versions'][number],
  nameOf: (userId: string) => string,
): string {
  const lines = [
    `### Version ${version.number} (${version.status}, compiled ${version.compiledAt.toISOString().slice(0, 10)})`,
    '',
  ];
  for (const section of version.content.sections) {
    lines.push(`#### ${section.title}`, '');
    for (const prompt of section.prompts) {
      if (prompt.answers.length === 0) continue;
      lines.push(`**${prompt.label}**`, '');
      for (const answer of prompt.answers)
        lines.push(`- ${nameOf(answer.userId)}: ${answer.text.replace(/\n+/g, ' ')}`);
      lines.push('');
    }
  }
  return lines.join('\n');
}

/**
 * The export file: the agreement versions the person may read, as Markdown, then everything they
 * wrote (design answers, named check-ins, commitments, consents, reservations) as JSON.
 */
export function exportDocument(input: {
  userId: string;
  exportedAt: Date;
  alliances: readonly ExportedAlliance[];
  records: ExportRecords;
  names: ReadonlyMap<string, string>;
}): string {
  const nameOf = (id: string) => input.names.get(id) ?? id;
  const parts = [
    '# Your Alliance data',
    '',
    `Exported ${input.exportedAt.toISOString()} for ${nameOf(input.userId)}. It holds the agreements ` +
      `you can read, as Markdown, and everything you wrote, as JSON at the end. Anonymous answers ` +
      `were never linked to you, so they appear only as the team's figures.`,
    '',
  ];
  for (const alliance of input.alliances) {
    parts.push(`## ${alliance.name}`, '');
    if (alliance.versions.length === 0) parts.push('_No version you can read._', '');
    for (const version of alliance.versions) parts.push(agreementMarkdown(version, nameOf));
  }
  const byAlliance = (id: string) => ({
    designAnswers: input.records.designAnswers.filter((r) => r.allianceId === id),
    checkIns: input.records.checkIns.filter((r) => r.allianceId === id),
    commitmentChecks: input.records.commitmentChecks.filter((r) => r.allianceId === id),
    consents: input.records.consents.filter((r) => r.allianceId === id),
    reservations: input.records.reservations.filter((r) => r.allianceId === id),
  });
  const data = {
    user: input.userId,
    exportedAt: input.exportedAt.toISOString(),
    alliances: input.alliances.map((a) => ({
      id: a.id,
      name: a.name,
      channel: a.channelId,
      ...byAlliance(a.id),
      anonymousPulses: a.anonymousPulses,
    })),
  };
  parts.push('## What you wrote', '', '```json', JSON.stringify(data, null, 2), '```', '');
  return parts.join('\n');
}
