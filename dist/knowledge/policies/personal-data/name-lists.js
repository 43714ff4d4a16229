import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { foldText } from "../../analysis/normalise.js";
let lists;
export function nameLists() {
    lists ??= {
        firstNames: readList('first-names.txt'),
        surnames: readList('surnames.txt'),
        wordNames: readList('word-names.txt'),
        notNames: readList('not-names.txt'),
    };
    return lists;
}
function readList(file) {
    const text = readFileSync(fileURLToPath(new URL(`../gazetteer/${file}`, import.meta.url)), 'utf8');
    return new Set(text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'))
        .map((line) => foldText(line)));
}
