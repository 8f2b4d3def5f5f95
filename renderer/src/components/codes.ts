/** Small pure helpers for codes and themes, used by the analysis and by the supervisor's reading of a share: names, trees, excerpts. */
import { CODE_PALETTE, type Code, type Theme } from '../../../shared/analysis';

/** "Parent / Child": how a code reads where its name occurs under two parents. */
export const codeLabel = (c: Pick<Code, 'path' | 'name'>): string => (c.path.length > 0 ? c.path.join(' / ') : c.name);

export interface TreeNode<T> {
  item: T;
  depth: number;
}

/** Items in tree order (children after their parent, siblings by name), with their depth. */
export function treeOrder<T extends { id: string; name: string; parentId: string | null }>(items: T[]): TreeNode<T>[] {
  const children = new Map<string | null, T[]>();
  const ids = new Set(items.map((i) => i.id));
  for (const i of items) {
    const key = i.parentId && ids.has(i.parentId) ? i.parentId : null;
    children.set(key, [...(children.get(key) ?? []), i]);
  }
  const out: TreeNode<T>[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const c of (children.get(parent) ?? []).sort((a, b) => a.name.localeCompare(b.name, 'nb'))) {
      out.push({ item: c, depth });
      walk(c.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** The ids of a code or theme and everything below it. */
export function descendants(items: { id: string; parentId: string | null }[], id: string): Set<string> {
  const out = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const i of items) {
      if (i.parentId && out.has(i.parentId) && !out.has(i.id)) {
        out.add(i.id);
        grew = true;
      }
    }
  }
  return out;
}

/** A short excerpt of coded text for labels: whole words, at most `max` characters. */
export function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/** The colour a new code gets: the palette's least used. */
export function nextColour(codes: Code[]): string {
  const used = new Map<string, number>();
  for (const c of codes) used.set(c.color.toLowerCase(), (used.get(c.color.toLowerCase()) ?? 0) + 1);
  return [...CODE_PALETTE].sort((a, b) => (used.get(a) ?? 0) - (used.get(b) ?? 0))[0]!;
}

export function themesOfCode(themes: Theme[], codeId: string): Theme[] {
  return themes.filter((th) => th.codeIds.includes(codeId));
}
