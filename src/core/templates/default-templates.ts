import type { TemplateKind, TemplateLanguage } from './template-kinds.js';

/*
 * The texts a firm gets until it writes its own. The keywords they offer are ones classifyConsentKeyword knows
 * (a test checks it), the consent request names the firm and the opt-out as carriers require, and the HELP answer
 * gives a contact. Spanish uses "usted": a law firm writing to a client.
 */
export const defaultTemplates = {
  consent_request: {
    en: 'You contacted {firm} about your case. May we reply to you here? Reply YES to agree or STOP to opt out. Message and data rates may apply.',
    es: 'Usted contactó con {firm} sobre su caso. ¿Podemos responderle por aquí? Responda SÍ para aceptar o STOP para no recibir mensajes. Pueden aplicarse tarifas de mensajes y datos.',
  },
  consent_confirmed: {
    en: 'Thank you. {firm} will reply to you here. Reply STOP at any time to opt out, or HELP for help.',
    es: 'Gracias. {firm} le responderá por aquí. Responda STOP en cualquier momento para no recibir mensajes, o AYUDA para obtener ayuda.',
  },
  opted_out: {
    en: 'You have opted out and will receive no more messages from {firm} here. Reply START to receive messages again.',
    es: 'Se ha dado de baja y no recibirá más mensajes de {firm} por aquí. Responda SÍ para volver a recibirlos.',
  },
  help: {
    en: '{firm}: for help, contact {help_contact}. Reply STOP to opt out. Message and data rates may apply.',
    es: '{firm}: para obtener ayuda, contacte con {help_contact}. Responda STOP para no recibir mensajes. Pueden aplicarse tarifas de mensajes y datos.',
  },
  after_hours: {
    en: 'Our office is closed. We will reply from {next_opening}.',
    es: 'Nuestra oficina está cerrada. Le responderemos a partir del {next_opening}.',
  },
  back_open: {
    en: 'Our office is open again. We have your message and will reply soon.',
    es: 'Nuestra oficina ya está abierta. Hemos recibido su mensaje y le responderemos pronto.',
  },
  reminder: {
    en: 'Reminder from {firm}: {event}, {date} at {time}. {location}',
    es: 'Recordatorio de {firm}: {event}, el {date} a las {time}. {location}',
  },
} as const satisfies Record<TemplateKind, Record<TemplateLanguage, string>>;

export function defaultTemplate(kind: TemplateKind, language: TemplateLanguage): string {
  return defaultTemplates[kind][language];
}
