export function citationOf(chunk, index) {
    const section = chunk.section && chunk.section !== chunk.title && (chunk.kind !== 'article' || chunk.parts > 1) ? chunk.section : undefined;
    const title = [chunk.title, section, chunk.pages].filter(Boolean).join(' — ');
    const context = chunk.headingPath.length > 0 ? chunk.headingPath.join(' › ') : undefined;
    return {
        index,
        id: chunk.id,
        kb: chunk.kb,
        title: truncate(title, 80),
        ...(context ? { context } : {}),
        ...(chunk.url ? { url: chunk.url } : {}),
        abstract: truncate(chunk.text.replace(/\s+/g, ' ').trim(), 160),
    };
}
export function truncate(text, length) {
    if (text.length <= length)
        return text;
    const cut = text.slice(0, length - 1);
    const space = cut.lastIndexOf(' ');
    return `${space > length * 0.6 ? cut.slice(0, space) : cut}…`;
}
