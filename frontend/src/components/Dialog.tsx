import { useEffect, useId, useRef, type ReactNode } from "react";

const FOCUSABLE = "input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), a[href], [tabindex]:not([tabindex='-1'])";

/**
 * A modal dialog on the native <dialog> element: `showModal()` makes the page behind it inert and
 * keeps Tab inside; Escape closes it (the native `cancel` event); focus moves to its first control
 * (or the dialog itself) on open and returns to the element that opened it on close. Where
 * `showModal` is missing (jsdom), it opens non-modally and Escape is handled on keydown.
 */
export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const titleId = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const modal = useRef(false);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (typeof dialog.showModal === "function") {
      if (!dialog.open) dialog.showModal();
      modal.current = true;
    } else {
      dialog.setAttribute("open", "");
    }
    const first = dialog.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? dialog).focus();
    return () => {
      if (typeof dialog.close === "function" && dialog.open) dialog.close();
      else dialog.removeAttribute("open");
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      aria-modal="true"
      aria-labelledby={titleId}
      className="dialog"
      tabIndex={-1}
      onCancel={(event) => {
        // Escape: let React unmount it, so the opener gets focus back in one place.
        event.preventDefault();
        onClose();
      }}
      onKeyDown={(event) => {
        if (!modal.current && event.key === "Escape") onClose();
      }}
      // A click on the dialog element itself is a click on its backdrop (the body fills the box).
      onMouseDown={(event) => event.target === event.currentTarget && onClose()}
    >
      <div className="dialog-body">
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </dialog>
  );
}
