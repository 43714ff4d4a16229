/**
 * The bot's Markdown for a terminal. With `ansi` (an interactive terminal, NO_COLOR unset): bold, italics and
 * headings as ANSI styles. Without (a pipe, a file, NO_COLOR): plain typography. Either way no raw `**`, `#`
 * or `>` reaches the reader: quotes get a bar, list items a bullet, links their address in brackets. Control
 * characters coming from documents are dropped, so a quoted text cannot drive the terminal.
 */
export interface TerminalStyle {
  ansi: boolean;
}

const BOLD = ['\u001b[1m', '\u001b[22m'] as const;
const ITALIC = ['\u001b[3m', '\u001b[23m'] as const;
const UNDERLINE = ['\u001b[4m', '\u001b[24m'] as const;
const DIM = ['\u001b[2m', '\u001b[22m'] as const;

export function renderMarkdown(markdown: string, style: TerminalStyle): string {
  const wrap = (pair: readonly [string, string], text: string) => (style.ansi ? `${pair[0]}${text}${pair[1]}` : text);
  let fenced = false;
  const out: string[] = [];
  // eslint-disable-next-line no-control-regex
  for (const raw of markdown.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g, '').split('\n')) {
    if (/^\s*```/.test(raw)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      out.push(`    ${raw}`);
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(raw);
    if (heading) {
      const level = (heading[1] ?? '#').length;
      const text = inline(heading[2] ?? '', style, wrap);
      if (style.ansi) out.push(level <= 2 ? wrap(BOLD, wrap(UNDERLINE, text)) : wrap(BOLD, text));
      else out.push(text, ...(level <= 2 ? [(level === 1 ? '═' : '─').repeat(Math.min(visibleLength(text), 72))] : []));
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(raw)) {
      out.push('─'.repeat(40));
      continue;
    }
    const quote = /^(\s*)((?:>\s?)+)(.*)$/.exec(raw);
    if (quote) {
      const depth = (quote[2] ?? '').replace(/\s/g, '').length;
      out.push(`${quote[1] ?? ''}${'│ '.repeat(depth)}${wrap(ITALIC, inline(quote[3] ?? '', style, wrap))}`);
      continue;
    }
    const item = /^(\s*)[-*+]\s+(.*)$/.exec(raw);
    if (item) {
      out.push(`${item[1] ?? ''}• ${inline(item[2] ?? '', style, wrap)}`);
      continue;
    }
    out.push(inline(raw, style, wrap));
  }
  return out.join('\n');
}

function inline(text: string, style: TerminalStyle, wrap: (pair: readonly [string, string], text: string) => string): string {
  const codes: string[] = [];
  // Inline code first, kept as typed (its content is not Markdown).
  let result = text.replace(/`([^`\n]+)`/g, (_, code: string) => {
    codes.push(style.ansi ? wrap(BOLD, code) : code);
    return `\u0000${codes.length - 1}\u0000`;
  });
  result = result
    .replace(/!?\[([^\]\n]+)\]\((\S+?)\)/g, (_, label: string, url: string) => (label === url ? url : `${label} (${url})`))
    .replace(/<(https?:\/\/[^>\s]+)>/g, '$1')
    // Markers around words only: a blank to fill in (« _____ ») is not emphasis.
    .replace(/\*\*(?=[^\s*])([^*\n]*?[^\s*])\*\*|__(?=[^\s_])([^_\n]*?[^\s_])__/g, (_, a?: string, b?: string) => wrap(BOLD, a ?? b ?? ''))
    .replace(/(^|[\s(«])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?=$|[\s).,;:!?»])/g, (_, before: string, inner: string) => `${before}${wrap(ITALIC, inner)}`)
    .replace(/(^|[\s(«])_(?=[^\s_])([^_\n]*?[^\s_])_(?=$|[\s).,;:!?»])/g, (_, before: string, inner: string) => `${before}${wrap(ITALIC, inner)}`)
    .replace(/~~(?=\S)([^~\n]*?\S)~~/g, (_, inner: string) => wrap(DIM, inner));
  // eslint-disable-next-line no-control-regex
  return result.replace(/\u0000(\d+)\u0000/g, (_, index: string) => codes[Number(index)] ?? '');
}

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return [...text.replace(/\u001b\[[0-9;]*m/g, '')].length;
}
