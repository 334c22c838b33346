/** The languages the firm's automatic texts are written in; the client's is guessed from their first message. */
export const templateLanguages = ['en', 'es'] as const;
export type TemplateLanguage = (typeof templateLanguages)[number];

/** The automatic texts. Their names are the message purposes they are sent with (MessagePurpose in the schema). */
export const templateKinds = [
  'consent_request',
  'consent_confirmed',
  'opted_out',
  'help',
  'after_hours',
  'back_open',
  'reminder',
] as const;
export type TemplateKind = (typeof templateKinds)[number];

/*
 * The variables each kind may use; the sender fills every one it lists. next_opening only exists while the office
 * is closed, so only after_hours may name it. help_contact is the firm's phone or email, which carriers require in
 * a HELP answer.
 */
export const templateVariablesByKind = {
  consent_request: ['firm', 'client_name', 'help_contact'],
  consent_confirmed: ['firm', 'client_name', 'help_contact'],
  opted_out: ['firm', 'client_name', 'help_contact'],
  help: ['firm', 'client_name', 'help_contact'],
  after_hours: ['firm', 'client_name', 'help_contact', 'next_opening'],
  back_open: ['firm', 'client_name', 'help_contact'],
  // A matter event's reminder (core/reminders): what, the date and time in the client's time zone, where.
  reminder: ['firm', 'client_name', 'help_contact', 'event', 'date', 'time', 'location', 'matter'],
} as const satisfies Record<TemplateKind, readonly string[]>;

export type TemplateVariable<K extends TemplateKind> = (typeof templateVariablesByKind)[K][number];

/** The values a sender passes to render a template of kind K. */
export type TemplateVariables<K extends TemplateKind> = Record<TemplateVariable<K>, string>;
