import type { TemplateLanguage } from '../templates/template-kinds.js';
import { foldString } from './fold-text.js';

/*
 * Written here rather than taken from franc-min or tinyld: a first message is often one to five words ("Hola",
 * "Yes", "Buenas"), where trigram models trained for 100+ languages guess wrong (franc-min restricted to eng/spa
 * calls "Yes" and "Please" Spanish and "Buenas" English; tinyld answers nothing for "Hola") and have no notion of
 * "cannot tell". The choice here is binary and the signals are strong: ¿ ¡ ñ and accents, and a few hundred very
 * common words. Words both languages use ("no", "me", "a", "ok", names) score nothing, so they fall back.
 */

const SPANISH_WORDS = new Set(
  `hola buenas buenos dias tardes noches gracias muchas favor porfa que cuando donde como cual quien cuanto
  porque pues es esta estan estoy estamos soy somos fue ser estar hay tengo tiene tienen tenemos quiero
  quisiera necesito puedo puede pueden podria sabe saber se el la los las un una unos unas del al lo le les mi mis
  tu su sus nuestro nuestra usted ustedes yo ella ellos nosotros con sin para por pero mas muy bien mal tambien
  todavia aun sobre hasta desde entre hoy manana ayer ahora despues antes cita caso abogado abogada abogados
  licenciado licenciada oficina juicio audiencia corte juzgado tribunal demanda divorcio custodia papeles
  documentos pregunta preguntar hablar llamar llamada ayuda si claro vale bueno senor senora senorita disculpe
  perdon siento hijo hija hijos esposo esposa donde cuando semana mes ano dinero pago pagar recibi recibido
  mensaje correo numero nombre llamo escribo escribir queria quiere hacer tengo eso esto este ese aqui alli`.split(/\s+/u),
);

const ENGLISH_WORDS = new Set(
  `hi hello hey thanks thank you your yours i i'm im i've ive i'll ill my mine we our us the and is are was were be
  been am do does did don't dont doesn't can can't could would will won't should have has had what when where who
  why how which this that these those there here it it's its of to in on at for with from about by an or but if
  not just please pls yes yeah yep sure okay good morning afternoon evening night today tomorrow yesterday now
  later week month year appointment hearing court lawyer attorney office case judge son divorce custody papers
  documents question ask talk call called need want know get got send sent received email number name meeting
  sorry help money payment pay paid bill child support`.split(/\s+/u),
);

/** The language of a client's message, or `fallback` when the text gives no clear sign (empty, "ok", a name). */
export function guessLanguage(text: string, fallback: TemplateLanguage): TemplateLanguage {
  let spanish = 0;
  let english = 0;
  // Opening ¿ ¡ and ñ are Spanish beyond doubt; accented vowels nearly so (they also occur in English loanwords).
  spanish += 3 * (text.match(/[¿¡]/gu)?.length ?? 0);
  spanish += 2 * (text.match(/[ñÑ]/gu)?.length ?? 0);
  spanish += Math.min(3, text.match(/[áéíóúüÁÉÍÓÚÜ]/gu)?.length ?? 0);

  const words = foldString(text).match(/[a-z']+/gu) ?? [];
  for (const word of words) {
    const bare = word.replace(/^'+|'+$/gu, '');
    if (SPANISH_WORDS.has(bare)) spanish += 1;
    if (ENGLISH_WORDS.has(bare)) english += 1;
  }
  if (spanish > english) return 'es';
  if (english > spanish) return 'en';
  return fallback;
}
