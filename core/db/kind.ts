export type DatabaseKind = 'postgresql' | 'sqlite';

export function databaseKindOf(url: string): DatabaseKind {
  return url.startsWith('postgres') ? 'postgresql' : 'sqlite';
}
