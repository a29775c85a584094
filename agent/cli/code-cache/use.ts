/** Whether the daemon was compiled from its code cache, and if not, why (for its start log). */
export type CodeCacheUse = { used: true } | { used: false; reason: string };

export function describeCodeCacheUse(use: CodeCacheUse): string {
  return use.used ? "used" : `not used: ${use.reason}`;
}
