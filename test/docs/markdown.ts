// What the docs tests read from the Markdown pages: the pages themselves, their fenced code blocks, their relative
// links and the anchors their headings get. Small on purpose: the pages are ours and use a plain subset of
// GitHub-flavoured Markdown (``` fences, [text](target) links, # headings), so a parser package would add nothing.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from dist/test/docs/). */
export const root = fileURLToPath(new URL('../../../', import.meta.url));

/** A Markdown page, by its path from the repository root. */
export interface Page {
  readonly path: string;
  readonly text: string;
}

/** The pages the docs tests cover: README.md and every docs/*.md. */
export async function pages(): Promise<Page[]> {
  const docs = (await readdir(`${root}docs`)).filter((name) => name.endsWith('.md')).sort();
  const paths = ['README.md', ...docs.map((name) => `docs/${name}`)];
  return Promise.all(paths.map(async (path) => ({ path, text: await readFile(`${root}${path}`, 'utf8') })));
}

/** One fenced code block. `line` is the 1-based line of its first code line in the page. */
export interface Block {
  readonly page: string;
  readonly line: number;
  readonly lang: string;
  /** The words of the info string after the language (```ts fragment -> ['fragment']). */
  readonly flags: readonly string[];
  readonly code: string;
  /** The file a `<!-- file: path -->` comment right above the block says it quotes, if any. */
  readonly quotes: string | undefined;
}

/** Every fenced block of a page, in order. An unclosed fence is an error: the rest of the page would be code. */
export function blocks(page: Page): Block[] {
  const lines = page.text.split('\n');
  const found: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,}|~{3,})\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const [lang = '', ...flags] = open[2]!.trim().split(/\s+/).filter(Boolean);
    const start = i + 1;
    let end = start;
    while (end < lines.length && !(lines[end]!.startsWith(fence) && lines[end]!.trim() === fence)) end++;
    if (end === lines.length) throw new Error(`${page.path}:${i + 1}: a ${fence} fence that never closes`);
    let above = i - 1;
    while (above >= 0 && lines[above]!.trim() === '') above--;
    const quotes = above >= 0 ? /^<!-- file: (\S+) -->$/.exec(lines[above]!.trim())?.[1] : undefined;
    found.push({ page: page.path, line: start + 1, lang, flags, code: lines.slice(start, end).join('\n') + '\n', quotes });
    i = end;
  }
  return found;
}

/** A link or image target written in a page's prose (not inside code). */
export interface Link {
  readonly page: string;
  readonly line: number;
  readonly target: string;
}

/** The targets of every `[text](target)` and `![alt](target)` outside fenced blocks and inline code. */
export function links(page: Page): Link[] {
  const found: Link[] = [];
  let fence: string | undefined;
  page.text.split('\n').forEach((text, index) => {
    const marker = /^(`{3,}|~{3,})/.exec(text)?.[1];
    if (fence !== undefined) {
      if (marker !== undefined && text.trim() === fence) fence = undefined;
      return;
    }
    if (marker !== undefined) {
      fence = marker;
      return;
    }
    const prose = text.replace(/(`+)[\s\S]*?\1/g, '');
    for (const match of prose.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      found.push({ page: page.path, line: index + 1, target: match[1]! });
    }
  });
  return found;
}

/**
 * The anchors GitHub gives a page's headings (github-slugger's rule): the heading's text without Markdown marks,
 * lower-cased, every character that is not a letter, digit, `_`, `-` or space dropped, spaces turned into `-`,
 * and `-1`, `-2`, ... added to repeats.
 */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const marker = /^(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker !== undefined && line.trim() === fence) fence = undefined;
      continue;
    }
    if (marker !== undefined) {
      fence = marker;
      continue;
    }
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const plain = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
    const base = plain.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}
