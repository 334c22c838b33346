import { describe, expect, it } from 'vitest';
import { detectFreeTextRevocation } from '../../src/core/consent/detect-revocation.js';

// [message, the phrase reported (as the client wrote it)]
const englishRevocations: [string, string][] = [
  ['please stop texting me', 'stop texting me'],
  ["don't message me anymore", "don't message me anymore"],
  ['Don’t text me again.', 'Don’t text me again'],
  ['unsubscribe me', 'unsubscribe'],
  ['Stop contacting me, I found another lawyer', 'Stop contacting me'],
  ['I do not want to receive any more messages', 'I do not want to receive any more messages'],
  ["I don't want any more texts from you", "I don't want any more texts"],
  ['Please remove me from your list', 'remove me from your list'],
  ['Take my number off your list', 'Take my number off your list'],
  ['Quit sending me these messages', 'Quit sending me these messages'],
  ['Stop sending me messages!', 'Stop sending me messages'],
  ['stop texting!!', 'stop texting'],
  ['Please stop.', 'Please stop'],
  ['STOP IT', 'STOP IT'],
  ['Please, stop!!! 🙏', 'Please, stop'],
  ['You have the wrong number', 'You have the wrong number'],
  ['Wrong number', 'Wrong number'],
  ['I want to opt out', 'opt out'],
  ['opt me out please', 'opt me out'],
  ['How do I unsubscribe?', 'unsubscribe'],
  ['Never contact me again', 'Never contact me again'],
  ['I revoke my consent to be texted', 'revoke my consent to be texted'],
  ['I withdraw my consent.', 'withdraw my consent'],
  ['Just leave me alone', 'leave me alone'],
  ["Why won't you stop texting me?", 'stop texting me'],
  ['I no longer wish to be contacted', 'I no longer wish to be contacted'],
  ['Delete my number', 'Delete my number'],
  ['No more messages please', 'No more messages'],
  ['I want you guys to stop messaging me', 'stop messaging me'],
  ['Not interested', 'Not interested'],
  ['I want to opt out of these texts', 'opt out of these texts'],
  ['Thanks, you can stop sending reminders', 'stop sending reminders'],
  ['You can stop messaging me now, the case is closed', 'stop messaging me'],
];

const englishOrdinary: string[] = [
  'the bus stop',
  "I'm at the bus stop, running late",
  'can we stop the lawsuit?',
  'I want to stop paying child support',
  'Can I stop by the office tomorrow?',
  'Please stop the eviction',
  "My ex won't stop texting me",
  "He keeps texting me and won't stop",
  'How do I get him to stop texting me?',
  'My ex husband needs to stop messaging me',
  'The judge told him to stop contacting me',
  'They stopped texting me last week',
  'Should I stop texting him?',
  'Can you text me the address?',
  "Don't send the documents yet",
  "I don't want to unsubscribe",
  "I don't want any more messages from my ex",
  "He won't leave me alone",
  'Tell him to leave me alone',
  'I gave the court the wrong number',
  'I want to withdraw my consent to the adoption',
  "I'm not interested in the settlement offer",
  'Remove me from the case',
  'STOP! I have a question about my hearing first',
  'I want to opt out of the class action',
  'How do I opt out of the settlement?',
  'Do not text me after 9pm please',
  "Please don't call me at work",
  'Tell the landlord to stop contacting me',
  'Please make him stop calling me',
  'When is my hearing?',
  '',
];

const spanishRevocations: [string, string][] = [
  ['no me escriban más', 'no me escriban más'],
  ['Dejen de escribirme', 'Dejen de escribirme'],
  ['dejen de escribirme por favor', 'dejen de escribirme por favor'],
  ['No quiero recibir más mensajes', 'No quiero recibir más mensajes'],
  ['Ya no quiero mensajes', 'no quiero mensajes'],
  ['Por favor, no me manden más mensajes', 'no me manden más mensajes'],
  ['Quiero darme de baja', 'darme de baja'],
  ['Denme de baja', 'Denme de baja'],
  ['Bórrenme de su lista', 'Bórrenme de su lista'],
  ['Déjenme en paz', 'Déjenme en paz'],
  ['No me vuelvan a escribir', 'No me vuelvan a escribir'],
  ['Número equivocado', 'Número equivocado'],
  ['Se equivocó de número', 'Se equivocó de número'],
  ['¡Paren ya!', 'Paren ya'],
  ['Basta de mensajes', 'Basta de mensajes'],
  ['Deja de mandarme mensajes', 'Deja de mandarme'],
  ['No quiero que me contacten', 'No quiero que me contacten'],
  ['Revoco mi consentimiento', 'Revoco mi consentimiento'],
  ['No me interesa, gracias', 'No me interesa, gracias'],
  ['no me contacten', 'no me contacten'],
  ['BAJA por favor', 'BAJA por favor'],
  ['Quiero que dejen de escribirme', 'dejen de escribirme'],
];

const spanishOrdinary: string[] = [
  'Mi ex no deja de escribirme',
  'Le dije a mi ex que no me escriba más',
  '¿Pueden decirle que no me llame?',
  'Estoy en la parada del autobús',
  '¿Podemos parar la demanda?',
  'Quiero dejar de pagar la pensión',
  'Estoy de baja médica',
  'Mañana me dan de baja',
  'Quiero dar de baja mi coche',
  'No me manden el documento todavía',
  'Mi ex no me deja en paz',
  'Dejé de escribirle a mi ex',
  'No quiero más problemas',
  'No quiero recibir más mensajes de mi ex',
  'Quiero retirar mi consentimiento para la adopción',
  'No me escribe desde hace un mes',
  'No me escriban al trabajo, mejor por la tarde',
  'Mi jefe no deja de llamarme',
  '¿Cuándo es mi cita?',
];

describe('detectFreeTextRevocation', () => {
  it.each(englishRevocations)('English revocation %j reports %j', (text, phrase) => {
    expect(detectFreeTextRevocation(text)).toEqual({ matched: true, phrase });
  });

  it.each(englishOrdinary)('English message %j is not a revocation', (text) => {
    expect(detectFreeTextRevocation(text)).toEqual({ matched: false });
  });

  it.each(spanishRevocations)('Spanish revocation %j reports %j', (text, phrase) => {
    expect(detectFreeTextRevocation(text)).toEqual({ matched: true, phrase });
  });

  it.each(spanishOrdinary)('Spanish message %j is not a revocation', (text) => {
    expect(detectFreeTextRevocation(text)).toEqual({ matched: false });
  });
});
