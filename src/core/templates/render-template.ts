/*
 * Template syntax: {name} is a variable (lower case, digits, underscores); {{ and }} write a literal brace; any
 * other brace is text. Kept this small on purpose: firms edit these texts in a form, and a client must never
 * receive a half-rendered template language.
 */
const TOKEN = /\{\{|\}\}|\{([a-z][a-z0-9_]*)\}/g;

/** The variable names a template uses, each once, in order of first use. */
export function templateVariableNames(body: string): string[] {
  const names = new Set<string>();
  for (const match of body.matchAll(TOKEN)) {
    if (match[1] !== undefined) names.add(match[1]);
  }
  return [...names];
}

/**
 * The text of a template with its variables filled in. A variable without a value renders empty, together with
 * one space next to it ("Hi {client_name}, ..." becomes "Hi, ..."): an automatic reply with a gap is better than
 * none, and validateTemplate has already refused names the sender does not know.
 */
export function renderTemplate(body: string, vars: Readonly<Record<string, string | undefined>>): string {
  let text = '';
  let last = 0;
  for (const match of body.matchAll(TOKEN)) {
    text += body.slice(last, match.index);
    last = match.index + match[0].length;
    const name = match[1];
    if (name === undefined) {
      text += match[0].charAt(0);
      continue;
    }
    const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (value !== undefined && value !== '') {
      text += value;
    } else if (text.endsWith(' ')) {
      text = text.slice(0, -1);
    } else if (body.charAt(last) === ' ') {
      last += 1;
    }
  }
  return text + body.slice(last);
}
