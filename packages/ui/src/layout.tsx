import type { ReactNode } from 'react';
import { cx } from './class-names';

/** A link in the sidebar; `active` marks the current page for sighted and screen-reader users. */
export interface NavLinkItem {
  href: string;
  label: string;
  active: boolean;
}

export interface NavGroup {
  label: string;
  links: NavLinkItem[];
}

/**
 * The page frame: a sidebar that runs the full height of the page (sticky, scrolling on its own
 * when it is taller than the window), a header, and the main column.
 */
export function AppShell({
  brand,
  nav,
  footer,
  header,
  children,
  renderLink,
}: {
  brand: ReactNode;
  nav: NavGroup[];
  footer?: ReactNode;
  header?: ReactNode;
  children: ReactNode;
  /** The app's own link component (next/link), so navigation stays client-side. */
  renderLink: (link: NavLinkItem, className: string) => ReactNode;
}) {
  return (
    <div className="pui-shell">
      <nav className="pui-sidebar" aria-label="Main">
        <div className="pui-brand">{brand}</div>
        <div className="pui-nav">
          {nav.map((group) => (
            <div key={group.label} className="pui-nav-group">
              <div className="pui-nav-label">{group.label}</div>
              {group.links.map((link) => (
                <div key={link.href}>
                  {renderLink(link, cx('pui-nav-link', link.active && 'pui-active'))}
                </div>
              ))}
            </div>
          ))}
        </div>
        {footer ? <div className="pui-sidebar-foot">{footer}</div> : null}
      </nav>
      <div className="pui-column">
        {header ? <header className="pui-header">{header}</header> : null}
        <main className="pui-main">{children}</main>
      </div>
    </div>
  );
}

/** The title row of a page with its actions on the right. */
export function PageHeader({
  title,
  description,
  actions,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="pui-page-head">
      <div>
        <h1>{title}</h1>
        {description ? <p className="pui-muted">{description}</p> : null}
      </div>
      {actions ? <div className="pui-actions">{actions}</div> : null}
    </div>
  );
}

export function Card({
  title,
  actions,
  children,
  className,
  testId,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <section className={cx('pui-card', className)} data-testid={testId}>
      {title || actions ? (
        <div className="pui-card-head">
          {title ? <h2>{title}</h2> : <span />}
          {actions}
        </div>
      ) : null}
      {children}
    </section>
  );
}

export type Tone = 'neutral' | 'info' | 'ok' | 'warn' | 'danger';

export function Badge({
  tone = 'neutral',
  children,
  testId,
}: {
  tone?: Tone;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <span className={cx('pui-badge', `pui-tone-${tone}`)} data-testid={testId}>
      {children}
    </span>
  );
}

export function Alert({ tone = 'danger', children }: { tone?: Tone; children: ReactNode }) {
  return (
    <div
      className={cx('pui-alert', `pui-tone-${tone}`)}
      role={tone === 'danger' ? 'alert' : 'status'}
    >
      {children}
    </div>
  );
}

export function EmptyState({
  title,
  children,
  action,
}: {
  title: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="pui-empty">
      <h3>{title}</h3>
      {children ? <p className="pui-muted">{children}</p> : null}
      {action}
    </div>
  );
}

/** One figure with its label, e.g. "Calls (24 h) 1 204". */
export function Stat({
  label,
  value,
  hint,
  testId,
}: {
  label: ReactNode;
  value: ReactNode;
  hint?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="pui-stat">
      <div className="pui-stat-label">{label}</div>
      <div className="pui-stat-value" data-testid={testId}>
        {value}
      </div>
      {hint ? <div className="pui-hint">{hint}</div> : null}
    </div>
  );
}

/** A bar showing how much of a limit is used (a native <meter> drawn by the kit). */
export function Meter({ used, limit, label }: { used: number; limit: number; label: string }) {
  const ratio = limit > 0 ? Math.min(1, used / limit) : 0;
  const tone = ratio >= 1 ? 'danger' : ratio >= 0.8 ? 'warn' : 'ok';
  return (
    <div className="pui-meter">
      <meter className="pui-sr-only" aria-label={label} min={0} max={limit} value={used} />
      <div
        className={cx('pui-meter-fill', `pui-tone-${tone}`)}
        style={{ width: `${ratio * 100}%` }}
      />
    </div>
  );
}

export function Skeleton({ rows = 3 }: { rows?: number }) {
  return (
    <div className="pui-skeleton" role="status" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows have no identity
        <div key={i} className="pui-skeleton-row" />
      ))}
    </div>
  );
}
