import { foldText, originalSpan } from './fold-text.js';

export interface RevocationMatch {
  matched: boolean;
  /** What the client wrote that reads as a revocation, as written (accents and case kept), for the person confirming. */
  phrase?: string;
}

/*
 * Patterns run on folded text (lower case, no accents, plain apostrophes, single spaces; see fold-text.ts). A match
 * only flags the message for a person to confirm, and holds sends meanwhile, so the set favours recall on phrases
 * addressed to the firm's messaging. What it must not do is flag the messages a law firm gets every day: clients
 * describing someone else who will not stop contacting them ("my ex won't stop texting me", "mi ex no deja de
 * escribirme"), or asking to stop something legal ("can we stop the lawsuit?"). Hence the guards below: no
 * negation right before the verb, no third person just before it, and objects other than "me" must end the clause.
 *
 * "Wrong number" is flagged too: it is not a revocation in words, but it means the firm must stop writing there.
 */

/** An alternation of words or regex fragments, kept as a list so each can be read and reviewed on its own. */
const anyOf = (...alternatives: string[]) => `(?:${alternatives.join('|')})`;

// A negated or third-person "stop" is a report about someone else, not a request to the firm.
const NEGATION_EN = anyOf(
  ...["won'?t", 'will not', "wouldn'?t", 'would not', "doesn'?t", 'does not', "didn'?t", 'did not', "don'?t", 'do not'],
  ...["can'?t", 'cannot', 'can not', "couldn'?t", 'could not', 'never', 'not', "isn'?t", "aren'?t", "wasn'?t"],
);
const THIRD_PERSON_EN = anyOf(
  ...['him', 'her', 'them', 'he', 'she', 'they', 'it', 'someone', 'somebody'],
  ...['ex', 'husband', 'wife', 'boyfriend', 'girlfriend', 'partner', 'mom', 'mother', 'dad', 'father', 'son'],
  ...['daughter', 'brother', 'sister', 'kids?', 'landlord', 'boss', 'employer', 'neighbou?r'],
  ...['collectors?', 'creditors?', 'agency', 'caller', 'stalker', 'abuser'],
);
// "he won't stop", "make him stop", "get her to stop", "my ex husband needs to stop": a third person up to three
// words back, or a negation right before.
const NOT_ABOUT_SOMEONE_ELSE_EN = `(?<!\\b${THIRD_PERSON_EN}\\b(?: \\S+){0,2} )(?<!\\b${NEGATION_EN} (?:ever )?)`;

const NEGATION_ES = anyOf('no', 'nunca', 'ni', 'jamas');
const THIRD_PERSON_ES = anyOf(
  ...['el', 'ella', 'ellos', 'ellas', 'alguien', 'ex', 'esposo', 'esposa', 'marido', 'mujer', 'novio', 'novia'],
  ...['pareja', 'padre', 'madre', 'hijo', 'hija', 'hermano', 'hermana', 'suegro', 'suegra', 'vecino', 'vecina'],
  ...['jefe', 'jefa', 'patron', 'casero', 'casera', 'arrendador', 'cobradore?s?', 'acreedor(?:es)?', 'agencia'],
);
const NOT_ABOUT_SOMEONE_ELSE_ES = `(?<!\\b${THIRD_PERSON_ES}\\b(?: \\S+){0,2} )(?<!\\b${NEGATION_ES} (?:me |nos )?)`;
// Reported speech: "le dije a mi ex que no me escriba más" asks the firm nothing.
const TELLING_ES = anyOf('le', 'les', 'dile', 'diles', 'digale', 'digales', 'decirle', 'decirles', 'pedirle', 'pedirles');
const NOT_REPORTED_ES = `(?<!\\b${TELLING_ES}\\b[^.!?]{0,40}\\bque )`;

// The clause ends here: punctuation, the end, or a word that cannot start an object ("stop texting, please").
const CLAUSE_END = `(?= ?(?:$|[.!?,;:)"]|${anyOf(
  ...['please', 'pls', 'plz', 'anymore', 'any more', 'again', 'ever', 'forever', 'now', 'already', 'immediately'],
  ...['asap', 'at all', 'thanks', 'thank you', 'thx', 'ok', 'okay', 'lol', 'i', "i'm", 'im', 'this', 'it', 'you'],
  ...['and', 'or', 'but'],
)}\\b))`;
const CLAUSE_END_ES = `(?= ?(?:$|[.!?,;:)"]|${anyOf(
  ...['por favor', 'porfa', 'porfavor', 'mas', 'ya', 'nunca', 'gracias', 'ok', 'de inmediato', 'inmediatamente'],
  ...['y', 'o', 'pero', 'que', 'no', 'estoy'],
)}\\b))`;

const MESSAGES_EN = '(?:text messages|messages|msgs|texts|sms|whatsapps?|notifications|reminders)';
const MESSAGES_ES = '(?:mensajes?|textos?|sms|whatsapps?|notificaciones|recordatorios|comunicaciones)';
const ME_EN = '(?:me|us|this number|my number|my phone)';
const NOT_WANTING_EN = "(?<!\\b(?:don'?t|do not|not|never) (?:want|wish|need|mean|plan) to )(?<!\\b(?:don'?t|do not) )";
// "Don't text me after 9pm", "no me escriban al trabajo": a preference about when or where, not a revocation.
const NOT_QUALIFIED_EN = `(?! ${anyOf(
  ...['after', 'before', 'until', 'till', 'during', 'late', 'early', 'at work', 'at night', 'in the (?:morning|evening)'],
  ...['on (?:weekends|sundays|saturdays)', 'so (?:early|late)', 'this (?:early|late)'],
)}\\b)`;
const NOT_QUALIFIED_ES = `(?! ${anyOf(
  ...['antes', 'despues', 'hasta', 'al trabajo', 'en el trabajo', 'de noche', 'por la noche', 'en la noche'],
  ...['por la manana', 'tan temprano', 'tan tarde', 'los (?:fines|domingos|sabados)'],
)}\\b)`;
const NOT_FROM_SOMEONE_ELSE_EN = '(?! from (?:my|his|her|him|them|that|the other|opposing)\\b)';
const NOT_FROM_SOMEONE_ELSE_ES = '(?! de (?:mi|su|el|ella|ellos|ellas|esa|ese|la otra|el otro)\\b)';
const ANYMORE_EN = '(?: (?:anymore|any more|again|ever again|please))?';
const ANYMORE_ES = '(?: (?:mas|nunca mas|por favor))?';

const CONTACTING_EN = anyOf(
  ...['texting', 'txting', 'messaging', 'msging', 'contacting', 'calling', 'writing(?: to)?', 'whatsapping'],
  ...['bothering', 'harass?ing', 'spamming'],
  `sending (?:me |us )?${anyOf(MESSAGES_EN, `(?:these|those)(?: ${MESSAGES_EN})?`, 'this', 'stuff')}`,
);
const CONTACT_EN = '(?:text|txt|message|msg|contact|write(?: to)?|whatsapp|sms|bother|harass|spam)';

const ESCRIBIR_ES = '(?:escribir|mandar|enviar|contactar|llamar|molestar|mensajear|textear|whatsappear)';
// Imperative and subjunctive forms only: "no me escribe" (he does not write to me) is a report, "no me escriban" a
// request. Sending verbs need an object, since "no me manden el documento todavía" is about a document.
const ESCRIBAN_ES = '(?:escrib(?:an|as|a|ais)|contact(?:en|es|e)|molest(?:en|es|e)|mensaje(?:en|es|e)|texte(?:en|es|e))';
const MANDEN_ES = '(?:mand(?:en|es|e)|envi(?:en|es|e))';

const PATTERNS: readonly RegExp[] = [
  // "STOP", "Please stop!", "stop it now", "paren ya", "alto por favor": the whole message is a plea to stop.
  /^(?:(?:please|pls|plz|just|ok|okay|omg),? )*(?:stop|quit|enough)(?:,? (?:it|this|that|now|please|already|all|everything|pls|plz))*$/,
  /^(?:(?:por favor|porfa|porfavor|ya),? )*(?:paren|pare|para|alto|basta|ya basta|baja|stop)(?:,? (?:ya|por favor|porfa|de una vez))*$/,
  // "stop texting me", "please stop sending me messages", "quit contacting this number".
  new RegExp(`${NOT_ABOUT_SOMEONE_ELSE_EN}\\b(?:stop|quit|cease) ${CONTACTING_EN}(?: ${ME_EN}\\b${ANYMORE_EN}|${CLAUSE_END})`),
  // "don't message me anymore", "do not contact me", "never text this number again".
  new RegExp(`\\b(?:don'?t|do not|never)(?: ever)? ${CONTACT_EN} ${ME_EN}\\b${ANYMORE_EN}${NOT_QUALIFIED_EN}`),
  // Calls are not what this system sends, so only a lasting ban on them counts: "don't call me again".
  new RegExp(`\\b(?:don'?t|do not|never) call ${ME_EN} (?:again|anymore|any more|ever)\\b`),
  new RegExp(`\\b(?:don'?t|do not|never) send ${ME_EN} (?:any ?)?(?:more )?${MESSAGES_EN}`),
  // "I don't want any more texts", "we no longer wish to receive messages" (but not messages "from my ex").
  new RegExp(
    `\\b(?:i|we) (?:don'?t|do not|no longer) (?:want|wish|need|like)(?: to (?:receive|get|be sent))?(?: any)?(?: more| further)?(?: (?:text|sms|whatsapp))? ${MESSAGES_EN}\\b${NOT_FROM_SOMEONE_ELSE_EN}`,
  ),
  /\b(?:i|we) (?:don'?t|do not|no longer) (?:want|wish) to be (?:contacted|texted|messaged|called|bothered)\b/,
  new RegExp(
    `\\b(?:i|we) (?:don'?t|do not|no longer) want (?:you|y'?all|your (?:firm|office))(?: guys| all)?(?: to)? (?:${CONTACT_EN}|call)(?:ing)? ${ME_EN}\\b`,
  ),
  // "No more messages please" at the start of a sentence (not "there will be no more messages from him").
  new RegExp(`(?:^|[.!?,;] ?|\\bplease )no more (?:${MESSAGES_EN}|texting|messaging|contact)\\b${NOT_FROM_SOMEONE_ELSE_EN}`),
  // "unsubscribe me", "how do I unsubscribe" (not "I don't want to unsubscribe").
  new RegExp(`${NOT_WANTING_EN}\\b(?:unsubscribe|unsub)\\b`),
  // "opt me out", "I want to opt out of these texts"; class actions and settlements have opt-outs too, so an
  // "opt out of ..." about anything but the messages is left alone.
  new RegExp(
    `${NOT_WANTING_EN}\\bopt(?:ing)?(?: me| us)?[ -]?out(?:${CLAUSE_END}| (?:of|from) (?:these |your |the |this |all )?(?:${MESSAGES_EN}|list|texting|messaging)\\b)`,
  ),
  // "remove me from your list", "take my number off your contacts", "delete my number".
  /\b(?:remove|delete|take|erase) (?:me|us|my (?:phone )?number|this number|my contact(?: info)?) (?:from|off(?: of)?) (?:your|the|this|ur|that) (?:list|contacts|contact list|system|database|records|mailing list|texting list|sms list|messages|texts)\b/,
  new RegExp(`\\b(?:delete|remove|erase) my (?:phone )?number${CLAUSE_END}`),
  // "I revoke my consent", "withdraw permission to text me" (not "withdraw my consent to the adoption").
  new RegExp(
    `\\b(?:revoke|withdraw|retract|rescind) (?:my |our )?(?:consent|permission|opt[ -]?in)(?:${CLAUSE_END}| (?:to|for) (?:be(?:ing)? )?(?:texted|messaged|contacted|texting|messaging|contact|${MESSAGES_EN}|receive|receiving)\\b)`,
  ),
  // "leave me alone" said to the firm (not "he won't leave me alone", "tell him to leave me alone").
  new RegExp(`${NOT_ABOUT_SOMEONE_ELSE_EN}\\bleave (?:me|us) alone\\b`),
  /(?:^|\b(?:you have|you've got|you got|you have got|you've|u have|this is|sorry|it's|its) (?:the |a )?)wrong (?:number|person)\b/,
  /^(?:no,? )?(?:i'?m |i am |we'?re |we are )?not interested(?: (?:thanks|thank you|thx))?$/,

  // "no me escriban más", "ya no nos contacten", "no me vuelvan a escribir" (not "le dije que no me escriba").
  new RegExp(`${NOT_REPORTED_ES}\\b(?:no|ya no|nunca) (?:me|nos) ${ESCRIBAN_ES}\\b${ANYMORE_ES}${NOT_QUALIFIED_ES}`),
  new RegExp(`${NOT_REPORTED_ES}\\b(?:no|ya no|nunca) (?:me|nos) ${MANDEN_ES} (?:mas ${MESSAGES_ES}|mas\\b|${MESSAGES_ES})`),
  new RegExp(`${NOT_REPORTED_ES}\\b(?:no|ya no|nunca) (?:me|nos) llam(?:en|es|e) (?:mas|nunca)\\b`),
  new RegExp(`${NOT_REPORTED_ES}\\b(?:no|ya no|nunca) (?:me|nos) vuelv(?:an|as|a) a ${ESCRIBIR_ES}\\b`),
  // "dejen de escribirme", "deja de mandarme mensajes", "paren de escribir" (not "mi ex no deja de escribirme").
  // "deje/deja de escribir" alone is also "I stopped writing" once accents are gone, so those need "-me"/"-nos".
  new RegExp(`${NOT_ABOUT_SOMEONE_ELSE_ES}\\b(?:dejen|dejad|paren|parad) de ${ESCRIBIR_ES}(?:me|nos)?\\b${ANYMORE_ES}`),
  new RegExp(`${NOT_ABOUT_SOMEONE_ELSE_ES}\\b(?:deje|deja|pare|para) de ${ESCRIBIR_ES}(?:me|nos)\\b${ANYMORE_ES}`),
  // "no quiero recibir más mensajes", "ya no deseamos mensajes" (but not "mensajes de mi ex").
  new RegExp(
    `\\bno (?:quiero|queremos|deseo|deseamos)(?: recibir| que me (?:manden|envien|mande|envie))?(?: mas| ningun| ninguna| ningunos)? ${MESSAGES_ES}\\b${NOT_FROM_SOMEONE_ELSE_ES}`,
  ),
  /\bno (?:quiero|queremos|deseo|deseamos) que me (?:escriban|escriba|contacten|contacte|llamen|molesten|manden mensajes|envien mensajes)\b/,
  /\bno (?:quiero|queremos|deseo|deseamos) (?:ser contactad[oa]s?|que me contacten)\b/,
  // "quiero darme de baja", "denme de baja": the reflexive forms only, since "dar de baja el coche" is about a car
  // and "me dan de baja" is sick leave.
  /\b(?:darme|darnos|denme|dennos|deme|me doy|nos damos) de baja\b/,
  new RegExp(`\\bme (?:den|de) de baja(?:${CLAUSE_END_ES}| de (?:los|sus|este|esta|la) (?:${MESSAGES_ES}|servicio|lista)\\b)`),
  /\b(?:borren|eliminen|quiten|saquen|borrar|eliminar|quitar|sacar)(?:me|nos)? de (?:su|la|sus|esta|vuestra|la) (?:lista|base de datos|contactos|sistema)\b/,
  /\b(?:borren|eliminen|borrar|eliminar) (?:mi|este) (?:numero|telefono)\b/,
  new RegExp(`${NOT_ABOUT_SOMEONE_ELSE_ES}\\bdej(?:en|e|a|ad)(?:me|nos) en paz\\b`),
  /\b(?:basta|no mas) de (?:mensajes|textos|whatsapps?)\b/,
  new RegExp(`(?:^|[.!?,;] ?|\\bpor favor )no mas ${MESSAGES_ES}\\b${NOT_FROM_SOMEONE_ELSE_ES}`),
  new RegExp(
    `\\b(?:revoco|retiro|revocar|retirar) (?:mi |nuestro )?(?:consentimiento|permiso|autorizacion)(?:${CLAUSE_END_ES}| para (?:recibir|ser contactad|que me))`,
  ),
  /(?:^|\b(?:es|tiene|tienen|tienes|perdon|lo siento|disculpe) (?:el |un )?)numero (?:equivocado|incorrecto)\b/,
  /\bse (?:equivoco|equivocaron|equivocan|ha equivocado|han equivocado) de (?:numero|persona)\b/,
  /^(?:no,? )?(?:no me interesa|no estoy interesad[oa]|no nos interesa)(?:,? gracias)?$/,
];

/**
 * Whether a message reads as a free-text revocation of consent, in English or Spanish ("please stop texting me",
 * "no me escriban más"), and the words that read so. The answer only flags the message for a person to confirm.
 */
export function detectFreeTextRevocation(text: string): RevocationMatch {
  const folded = foldText(text);
  // Trailing and leading punctuation and emoji would defeat the whole-message patterns ("Please stop!!! 🙏").
  const lead = /^[\s\p{P}\p{S}\p{Z}\p{Cf}]*/u.exec(folded.text)?.[0].length ?? 0;
  const trail = /[\s\p{P}\p{S}\p{Z}\p{Cf}]*$/u.exec(folded.text.slice(lead))?.[0].length ?? 0;
  const body = folded.text.slice(lead, folded.text.length - trail);
  for (const pattern of PATTERNS) {
    const match = pattern.exec(body);
    if (match) {
      const from = lead + match.index;
      const to = from + match[0].length;
      return { matched: true, phrase: originalSpan(text, folded, from, to).trim() };
    }
  }
  return { matched: false };
}
