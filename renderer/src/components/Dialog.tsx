import { useEffect, useRef, useState, type ReactNode } from 'react';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function focusables(el: HTMLElement): HTMLElement[] {
  return [...el.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((x) => x.getClientRects().length > 0);
}

/**
 * A modal dialog over a dimmed page, for keyboard and screen-reader users as for the
 * mouse: Tab and Shift+Tab go around inside it (they went on to the menu behind the
 * overlay, where a keyboard user could leave a withdrawal half-confirmed), Esc is the
 * safe answer (`onCancel`: stay, keep, cancel), and closing gives the focus back to the
 * button that opened it.
 */
export function Dialog(props: {
  labelledBy: string;
  describedBy?: string;
  /** An alertdialog: a question that interrupts (leave without saving?). */
  alert?: boolean;
  /** What Esc does; undefined while the dialog must not be left (work under way). */
  onCancel?: () => void;
  /** Room for a list (the findings of an export), not only a question. */
  wide?: boolean;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const cancel = useRef(props.onCancel);
  cancel.current = props.onCancel;
  // Read while rendering, before an autofocused field inside takes the focus.
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const first = () => (focusables(el)[0] ?? el).focus();
    if (!el.contains(document.activeElement)) first();
    // Focus that lands behind the dialog (a click on the dimmed page) is brought back.
    const onFocusIn = (e: FocusEvent) => {
      if (e.target instanceof Node && !el.contains(e.target) && !(e.target as HTMLElement).closest?.('[role="dialog"], [role="alertdialog"]')) first();
    };
    document.addEventListener('focusin', onFocusIn);
    return () => {
      document.removeEventListener('focusin', onFocusIn);
      if (opener?.isConnected) opener.focus();
    };
  }, [opener]);
  return (
    <div className="overlay">
      <div
        ref={ref}
        className={props.wide ? 'dialog wide' : 'dialog'}
        role={props.alert ? 'alertdialog' : 'dialog'}
        aria-modal="true"
        aria-labelledby={props.labelledBy}
        aria-describedby={props.describedBy}
        tabIndex={-1}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && cancel.current) {
            e.preventDefault();
            e.stopPropagation();
            cancel.current();
            return;
          }
          if (e.key !== 'Tab' || !ref.current) return;
          const list = focusables(ref.current);
          if (list.length === 0) return e.preventDefault();
          const at = list.indexOf(document.activeElement as HTMLElement);
          if (e.shiftKey && at <= 0) {
            e.preventDefault();
            list.at(-1)!.focus();
          } else if (!e.shiftKey && at === list.length - 1) {
            e.preventDefault();
            list[0]!.focus();
          }
        }}
      >
        {props.children}
      </div>
    </div>
  );
}
