// Every relative link of the README and of docs/*.md resolves: its file (or directory) exists in
// the checkout, and its #anchor, if any, is a heading of the Markdown page it names. Links in
// code (fenced blocks, `spans`) are not links; http(s) and mailto links are not checked.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { DOC_PAGES, REPO_ROOT } from './support/repo.js';

const PAGES = DOC_PAGES;

/** A page's text without its code: fenced blocks and inline spans. */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as "-", repeats numbered. */
function anchorsOf(file: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  for (const [, heading] of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = heading!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n ? `${slug}-${n}` : slug);
  }
  return anchors;
}

const links = PAGES.flatMap((page) =>
  [...prose(readFileSync(join(REPO_ROOT, page), 'utf8')).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^(https?|mailto):/.test(target))
    .map((target) => [page, target] as const),
);

describe('the links between the README and docs/', () => {
  it('finds links on every page, and the README links every page of docs/', () => {
    for (const page of PAGES) expect([page, links.some(([from]) => from === page)]).toEqual([page, true]);
    const fromReadme = links.filter(([from]) => from === 'README.md').map(([, target]) => normalize(target.split('#')[0]!));
    for (const page of PAGES.slice(1)) expect(fromReadme).toContain(page);
  });

  it.each(links)('%s: %s resolves', (page, target) => {
    const [path, anchor] = target.split('#') as [string, string | undefined];
    const file = path ? join(REPO_ROOT, dirname(page), decodeURIComponent(path)) : join(REPO_ROOT, page);
    expect(relative(REPO_ROOT, file).startsWith('..')).toBe(false);
    expect([target, existsSync(file)]).toEqual([target, true]);
    if (anchor !== undefined) {
      expect(file.endsWith('.md')).toBe(true);
      expect([target, [...anchorsOf(file)]]).toEqual([target, expect.arrayContaining([anchor])]);
    }
  });
});
