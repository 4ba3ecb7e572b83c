import type { ReactNode } from 'react';

/** The centred card of the sign-in, sign-up and mailed-link pages. */
export function AuthCard({
  title,
  subtitle,
  children,
  footer,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <div className="auth-card">
      <h1>{title}</h1>
      {subtitle ? <p className="pui-muted auth-subtitle">{subtitle}</p> : null}
      {children}
      {footer ? <div className="auth-footer">{footer}</div> : null}
    </div>
  );
}
