/**
 * Forms that hold typed input not yet saved say so here, and the app asks before a
 * navigation would throw it away (issue 15: never lose typed text silently). The
 * transcript editor needs none of this: it saves as it is typed.
 */
import { useEffect, useId } from 'react';

const dirty = new Set<string>();

/** While `isDirty`, leaving the screen asks first. */
export function useUnsaved(isDirty: boolean): void {
  const id = useId();
  useEffect(() => {
    if (isDirty) dirty.add(id);
    else dirty.delete(id);
    return () => {
      dirty.delete(id);
    };
  }, [id, isDirty]);
}

export function hasUnsaved(): boolean {
  return dirty.size > 0;
}

/** After the user chose to leave anyway: the forms being left are no longer counted. */
export function forgetUnsaved(): void {
  dirty.clear();
}
