import { z } from 'zod';

/**
 * A template is data: sections of prompts a team answers to design its alliance, and the aspects
 * its pulses ask members to rate. Prompt ids are stable forever: answers, agreement versions,
 * diffs and pulses refer to them, so a wording change keeps the id and a new question gets a new one.
 */

export const PROMPT_KINDS = ['text', 'commitment'] as const;

export const promptSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, 'prompt ids look like section.prompt'),
  label: z.string().min(1).max(150),
  hint: z.string().min(1).max(300),
  maxLength: z.number().int().min(100).max(3000),
  required: z.boolean(),
  /** `commitment` answers are what this member can be counted on for; pulses ask if they are kept. */
  kind: z.enum(PROMPT_KINDS).default('text'),
});

export const sectionSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  title: z.string().min(1).max(60),
  intro: z.string().min(1).max(600),
  prompts: z.array(promptSchema).min(1).max(12),
});

export const aspectSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  /** Short name used in digests, charts and flags. */
  label: z.string().min(1).max(40),
  /** The pulse question for a 1–5 rating. */
  question: z.string().min(1).max(150),
});

export const templateSchema = z
  .object({
    id: z.enum(['team', 'one_on_one', 'peer_contract']),
    version: z.number().int().positive(),
    name: z.string().min(1).max(60),
    summary: z.string().min(1).max(150),
    minMembers: z.number().int().min(2),
    maxMembers: z.number().int().min(2).optional(),
    sections: z.array(sectionSchema).min(1).max(8),
    aspects: z.array(aspectSchema).min(1).max(8),
  })
  .superRefine((template, ctx) => {
    const seen = new Set<string>();
    for (const section of template.sections) {
      for (const prompt of section.prompts) {
        if (!prompt.id.startsWith(`${section.id}.`)) {
          ctx.addIssue({ code: 'custom', message: `prompt ${prompt.id} must start with its section id ${section.id}` });
        }
        if (seen.has(prompt.id)) ctx.addIssue({ code: 'custom', message: `duplicate prompt id ${prompt.id}` });
        seen.add(prompt.id);
      }
    }
    const aspectIds = template.aspects.map((a) => a.id);
    if (new Set(aspectIds).size !== aspectIds.length) ctx.addIssue({ code: 'custom', message: 'duplicate aspect id' });
    if (aspectIds.includes('overall'))
      ctx.addIssue({ code: 'custom', message: '"overall" is added by pulses themselves' });
  });

export type Prompt = z.infer<typeof promptSchema>;
export type Section = z.infer<typeof sectionSchema>;
export type Aspect = z.infer<typeof aspectSchema>;
export type Template = z.infer<typeof templateSchema>;
export type TemplateId = Template['id'];
