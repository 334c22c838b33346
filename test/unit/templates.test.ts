import { describe, expect, it } from 'vitest';
import { classifyConsentKeyword } from '../../src/core/consent/classify-keyword.js';
import { formatOpening } from '../../src/core/hours/business-hours.js';
import { defaultTemplate, defaultTemplates } from '../../src/core/templates/default-templates.js';
import { renderTemplate, templateVariableNames } from '../../src/core/templates/render-template.js';
import { templateKinds, templateLanguages, type TemplateKind } from '../../src/core/templates/template-kinds.js';
import { validateTemplate } from '../../src/core/templates/validate-template.js';

const validationCases: [TemplateKind, string, string[]][] = [
  ['after_hours', 'Closed. We reply from {next_opening}.', []],
  ['after_hours', 'Hi {client_name}, {firm} is closed until {next_opening}. Call {help_contact}.', []],
  ['consent_request', 'Hi {client_name}, may {firm} reply here? We open {next_opening}.', ['next_opening']],
  ['help', '{firm_name} {firm}: {Firm} {{literal}} {help contact}', ['firm_name']],
  ['back_open', '{firm} {when} {when} {where}', ['when', 'where']],
  ['opted_out', 'No variables at all.', []],
  ['consent_confirmed', 'Unclosed {firm and } stray', []],
];

describe('validateTemplate', () => {
  it.each(validationCases)('%s: %j -> unknown %j', (kind, body, unknown) => {
    expect(validateTemplate(kind, body)).toEqual(unknown);
  });

  it.each(templateKinds)('accepts the default %s templates', (kind) => {
    for (const language of templateLanguages) {
      expect(validateTemplate(kind, defaultTemplate(kind, language))).toEqual([]);
    }
  });
});

const renderCases: [string, Record<string, string | undefined>, string][] = [
  ['Hello {firm}!', { firm: 'Demo Law LLP' }, 'Hello Demo Law LLP!'],
  ['{firm} and {firm}', { firm: 'A' }, 'A and A'],
  ['Hi {client_name}, welcome.', { client_name: undefined }, 'Hi, welcome.'],
  ['Hi {client_name}, welcome.', {}, 'Hi, welcome.'],
  ['{client_name} welcome.', { client_name: '' }, 'welcome.'],
  ['Literal {{firm}} and {firm}', { firm: 'X' }, 'Literal {firm} and X'],
  ['{ not a variable } {Firm}', { firm: 'X' }, '{ not a variable } {Firm}'],
  // Values are inserted as text, never rendered again.
  ['{firm}', { firm: '{client_name}' }, '{client_name}'],
  // Only own properties count: nothing is read from Object.prototype.
  ['{constructor}x', {}, 'x'],
];

describe('renderTemplate', () => {
  it.each(renderCases)('%j with %j -> %j', (body, vars, expected) => {
    expect(renderTemplate(body, vars)).toBe(expected);
  });

  it('lists variables once, in order of first use', () => {
    expect(templateVariableNames('{b} {a} {b} {{c}}')).toEqual(['b', 'a']);
  });

  it('renders the default after-hours reply with a formatted opening', () => {
    const opening = new Date('2026-03-09T13:00:00.000Z');
    expect(
      renderTemplate(defaultTemplates.after_hours.en, { next_opening: formatOpening(opening, 'America/New_York', 'en') }),
    ).toBe('Our office is closed. We will reply from Monday, March 9 at 9:00 AM (America/New_York).');
    expect(
      renderTemplate(defaultTemplates.after_hours.es, {
        next_opening: formatOpening(new Date('2026-03-30T07:00:00.000Z'), 'Europe/Madrid', 'es'),
      }),
    ).toBe('Nuestra oficina está cerrada. Le responderemos a partir del lunes 30 de marzo, 9:00 (Europe/Madrid).');
  });
});

describe('default templates', () => {
  // Every word in capitals that a template tells the client to reply with must be a keyword we act on.
  const replies = (body: string) => [...body.matchAll(/\b(?:Reply|Responda) ([A-ZÍ]{2,})(?!\p{L})/gu)].map((match) => match[1]);

  it.each(templateKinds)('%s offers only keywords that work', (kind) => {
    for (const language of templateLanguages) {
      for (const word of replies(defaultTemplate(kind, language))) {
        expect(classifyConsentKeyword(word ?? ''), `${kind}/${language}: ${word}`).not.toBeNull();
      }
    }
  });

  it.each(templateLanguages)('the %s consent request asks for consent and offers the opt-out', (language) => {
    const words = replies(defaultTemplate('consent_request', language)).map((word) => classifyConsentKeyword(word ?? ''));
    expect(words).toContain('opt_in');
    expect(defaultTemplate('consent_request', language)).toContain('{firm}');
    expect(defaultTemplate('consent_request', language)).toMatch(/\bSTOP\b/);
  });

  it.each(templateLanguages)('the %s opted-out confirmation says how to opt in again', (language) => {
    const words = replies(defaultTemplate('opted_out', language)).map((word) => classifyConsentKeyword(word ?? ''));
    expect(words).toContain('opt_in');
  });
});
