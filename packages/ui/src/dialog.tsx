import * as AlertDialogPrimitive from '@radix-ui/react-alert-dialog';
import * as DialogPrimitive from '@radix-ui/react-dialog';
import type { ReactNode } from 'react';
import { Button } from './button';
import { cx } from './class-names';
import { preventingDefault } from './prevent-default';

export interface DialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  /** Buttons along the bottom edge. */
  footer?: ReactNode;
  size?: 'sm' | 'md' | 'lg';
}

/**
 * A modal dialog centred in the viewport (Radix: focus trap, Escape, labelled by its title,
 * scroll lock). Rendered in a portal so no parent layout can push it to the page's edge.
 */
export function Dialog({
  open,
  onOpenChange,
  title,
  description,
  children,
  footer,
  size = 'md',
}: DialogProps) {
  return (
    <DialogPrimitive.Root open={open} onOpenChange={onOpenChange}>
      <DialogPrimitive.Portal>
        <DialogPrimitive.Overlay className="pui-overlay" />
        <DialogPrimitive.Content
          className={cx('pui-dialog', `pui-dialog-${size}`)}
          // Radix warns when a dialog has no description unless told there is none.
          {...(description ? {} : { 'aria-describedby': undefined })}
        >
          <div className="pui-dialog-head">
            <DialogPrimitive.Title className="pui-dialog-title">{title}</DialogPrimitive.Title>
            <DialogPrimitive.Close className="pui-dialog-x" aria-label="Close">
              ×
            </DialogPrimitive.Close>
          </div>
          {description ? (
            <DialogPrimitive.Description className="pui-dialog-desc">
              {description}
            </DialogPrimitive.Description>
          ) : null}
          <div className="pui-dialog-body">{children}</div>
          {footer ? <div className="pui-dialog-foot">{footer}</div> : null}
        </DialogPrimitive.Content>
      </DialogPrimitive.Portal>
    </DialogPrimitive.Root>
  );
}

export interface ConfirmDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: ReactNode;
  description: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  /** Red confirm button for destructive actions. */
  destructive?: boolean;
  busy?: boolean;
  /** Shown under the description, e.g. why the last attempt failed. */
  children?: ReactNode;
}

/** Asks before an action that cannot be undone (Radix AlertDialog: no close on outside click). */
export function ConfirmDialog({
  open,
  onOpenChange,
  title,
  description,
  confirmLabel,
  onConfirm,
  destructive = false,
  busy = false,
  children,
}: ConfirmDialogProps) {
  return (
    <AlertDialogPrimitive.Root open={open} onOpenChange={onOpenChange}>
      <AlertDialogPrimitive.Portal>
        <AlertDialogPrimitive.Overlay className="pui-overlay" />
        <AlertDialogPrimitive.Content className="pui-dialog pui-dialog-sm">
          <AlertDialogPrimitive.Title className="pui-dialog-title">
            {title}
          </AlertDialogPrimitive.Title>
          <AlertDialogPrimitive.Description className="pui-dialog-desc">
            {description}
          </AlertDialogPrimitive.Description>
          {children ? <div className="pui-dialog-body">{children}</div> : null}
          <div className="pui-dialog-foot">
            <AlertDialogPrimitive.Cancel asChild>
              <Button>Cancel</Button>
            </AlertDialogPrimitive.Cancel>
            <Button
              variant={destructive ? 'danger' : 'primary'}
              busy={busy}
              // Stays open until the caller closes it, so a failure can be shown in place.
              onClick={preventingDefault(onConfirm)}
            >
              {confirmLabel}
            </Button>
          </div>
        </AlertDialogPrimitive.Content>
      </AlertDialogPrimitive.Portal>
    </AlertDialogPrimitive.Root>
  );
}

export interface FormDialogFooterProps {
  /** The id of the `<form>` inside the dialog that the submit button submits. */
  formId: string;
  submitLabel: ReactNode;
  busy: boolean;
  onCancel: () => void;
}

/** A form dialog's footer: Cancel, then the primary button submitting the dialog's form. */
export function FormDialogFooter({ formId, submitLabel, busy, onCancel }: FormDialogFooterProps) {
  return (
    <>
      <Button onClick={onCancel}>Cancel</Button>
      <Button type="submit" form={formId} variant="primary" busy={busy}>
        {submitLabel}
      </Button>
    </>
  );
}
