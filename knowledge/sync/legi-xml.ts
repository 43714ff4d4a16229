import { htmlToText } from '../ingestion/loaders/html-to-text.ts';

/**
 * One LEGI article file (DILA open data, `…/article/LEGI/ARTI/…/LEGIARTI….xml`) read into the record shape of the
 * code JSONL files (see ../shared/corpus/README.md): META_COMMUN/ID, META_ARTICLE NUM, ETAT, DATE_DEBUT, DATE_FIN,
 * CONTEXTE/TEXTE (code id and name, TITRE_TM headings), VERSIONS (whose smallest id is the article's chronical id,
 * as Légifrance's `cid`), BLOC_TEXTUEL/CONTENU (HTML) and NOTA.
 */

export interface LegiArticleRecord {
  id: string;
  cid: string;
  code: string;
  code_id: string;
  num: string;
  title_path: string[];
  text: string;
  etat: string;
  valid_from: string | null;
  valid_to: string | null;
  nota?: string;
  source_url: string;
}

export function parseLegiArticle(xml: string): LegiArticleRecord | string {
  if (!/<ARTICLE[\s>]/.test(xml)) return 'pas un article LEGI (élément ARTICLE absent)';
  const id = first(xml, 'ID');
  if (!id || !/^LEGIARTI\d{12}$/.test(id)) return 'identifiant LEGIARTI absent ou invalide';
  const meta = section(xml, 'META_ARTICLE') ?? '';
  const num = first(meta, 'NUM');
  const etat = first(meta, 'ETAT') ?? '';
  const texte = /<TEXTE\b([^>]*)>/.exec(xml);
  const codeId = texte ? attribute(texte[1] as string, 'cid') : undefined;
  const titre = /<TITRE_TXT\b([^>]*)>([\s\S]*?)<\/TITRE_TXT>/.exec(xml);
  const code = titre ? decode(attribute(titre[1] as string, 'c_titre_court') || (titre[2] as string)).trim() : undefined;
  if (!num || !codeId || !code) return `article ${id} : numéro ou code absent`;
  const contexte = section(xml, 'CONTEXTE') ?? '';
  const titlePath = [...contexte.matchAll(/<TITRE_TM\b[^>]*>([\s\S]*?)<\/TITRE_TM>/g)].map((match) => decode(strip(match[1] as string)).trim()).filter(Boolean);
  const versions = [...(section(xml, 'VERSIONS') ?? '').matchAll(/<LIEN_ART\b([^>]*)\/?>/g)].map((match) => attribute(match[1] as string, 'id')).filter((value): value is string => Boolean(value && /^LEGIARTI\d{12}$/.test(value)));
  const cid = [...versions, id].sort()[0] as string;
  const html = section(section(xml, 'BLOC_TEXTUEL') ?? '', 'CONTENU') ?? '';
  const text = htmlToText(html).text.trim();
  if (!text) return `article ${id} : texte vide`;
  const nota = htmlToText(section(section(xml, 'NOTA') ?? '', 'CONTENU') ?? '').text.trim();
  const from = first(meta, 'DATE_DEBUT');
  const to = first(meta, 'DATE_FIN');
  return {
    id,
    cid,
    code,
    code_id: codeId,
    num: decode(num).trim(),
    title_path: titlePath,
    text,
    etat,
    valid_from: from && from !== '2999-01-01' ? from : null,
    valid_to: to ?? null,
    ...(nota ? { nota } : {}),
    source_url: `https://www.legifrance.gouv.fr/codes/article_lc/${id}`,
  };
}

function section(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}>`).exec(xml);
  return match?.[1];
}

function first(xml: string, tag: string): string | undefined {
  const value = section(xml, tag);
  return value === undefined ? undefined : decode(value).trim() || undefined;
}

function attribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}="([^"]*)"`).exec(attributes);
  return match ? decode(match[1] as string) : undefined;
}

function strip(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

function decode(text: string): string {
  return text
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
