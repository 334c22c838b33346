import { templateVariableNames } from './render-template.js';
import { templateVariablesByKind, type TemplateKind } from './template-kinds.js';

/**
 * The variables a template of this kind names but may not use (e.g. {next_opening} outside after_hours, or a typo
 * such as {firm_name}), in order of first use; empty when the template is valid. An API answers 400 naming them.
 */
export function validateTemplate(kind: TemplateKind, body: string): string[] {
  const allowed: readonly string[] = templateVariablesByKind[kind];
  return templateVariableNames(body).filter((name) => !allowed.includes(name));
}
