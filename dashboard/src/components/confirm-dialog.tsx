import { useEffect, useId, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { ErrorNotice } from './error-notice';

interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** `danger`: red button, and Cancel has the focus so Enter does no harm. */
  tone?: 'danger' | 'normal';
  /** Completes "Couldn't …" when onConfirm fails. */
  action: string;
  /** Runs the action; the dialog stays open with the error when it throws. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/**
 * A modal confirmation on the native <dialog>: focus is held inside it,
 * Escape cancels, and focus returns to the button that opened it.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  tone = 'danger',
  action,
  onConfirm,
  onClose,
}: ConfirmDialogProps) {
  const titleId = useId();
  const bodyId = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    const element = dialog.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    element?.showModal();
    (tone === 'danger' ? cancelButton : confirmButton).current?.focus();

    return () => {
      if (element?.open === true) element.close();
      opener?.focus();
    };
  }, [tone]);

  async function confirm() {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      onClose();
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      <div id={bodyId} className="dialog-body">
        {children}
      </div>
      <ErrorNotice error={error} action={action} />
      <div className="button-row dialog-actions">
        <button type="button" ref={cancelButton} onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button
          type="button"
          ref={confirmButton}
          className={tone === 'danger' ? 'button-danger' : 'button-primary'}
          onClick={confirm}
          disabled={busy}
        >
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
