import { useId, useRef, useState } from 'react';

/**
 * Writes to the clipboard. The async Clipboard API needs a secure context
 * (https or localhost); elsewhere the selected input is copied the old way.
 */
async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);

    return true;
  } catch {
    input?.focus();
    input?.select();

    return document.execCommand('copy');
  }
}

interface CopyFieldProps {
  label: string;
  value: string;
  /** Shown under the label, e.g. which IdP field to paste into. */
  hint?: string;
}

/** A read-only value with a Copy button that says whether the copy worked. */
export function CopyField({ label, value, hint }: CopyFieldProps) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [outcome, setOutcome] = useState<'copied' | 'failed' | null>(null);

  async function copy() {
    setOutcome((await copyText(value, input.current)) ? 'copied' : 'failed');
  }

  return (
    <div className="copy-field">
      <label htmlFor={id}>{label}</label>
      {hint !== undefined && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <div className="copy-row">
        <input
          id={id}
          ref={input}
          readOnly
          value={value}
          spellCheck={false}
          autoComplete="off"
          aria-describedby={hint === undefined ? undefined : `${id}-hint`}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" onClick={copy} aria-label={`Copy ${label}`}>
          Copy
        </button>
      </div>
      <p className="copy-status" role="status">
        {outcome === 'copied' && 'Copied to the clipboard.'}
        {outcome === 'failed' && 'Could not copy: select the text and press Ctrl+C (⌘C on a Mac).'}
      </p>
    </div>
  );
}
