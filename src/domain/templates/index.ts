import { oneOnOneTemplate } from './one-on-one.js';
import { peerContractTemplate } from './peer-contract.js';
import { type Template, type TemplateId, templateSchema } from './schema.js';
import { teamTemplate } from './team.js';

export * from './schema.js';

// Parsed once at load: a malformed template is a programming error and fails every test at once.
export const TEMPLATES: readonly Template[] = [teamTemplate, oneOnOneTemplate, peerContractTemplate].map((t) =>
  templateSchema.parse(t),
);

export function getTemplate(id: TemplateId): Template {
  const template = TEMPLATES.find((t) => t.id === id);
  if (!template) throw new Error(`unknown template ${id}`);
  return template;
}

export function isTemplateId(value: string): value is TemplateId {
  return TEMPLATES.some((t) => t.id === value);
}
