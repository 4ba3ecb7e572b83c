export { Button, type ButtonProps, type ButtonVariant } from './button';
export { BarChart, type ChartProps, type Series, TimeSeriesChart } from './charts';
export { cx } from './class-names';
export { CodeBlock, CopyButton } from './copy';
export {
  BASIC_CREDENTIAL_FORM,
  CREDENTIAL_KIND_FORMS,
  type CredentialFieldSpec,
  type CredentialKindForm,
  ED25519_CREDENTIAL_FORM,
  HMAC_CREDENTIAL_FORM,
  MTLS_CREDENTIAL_FORM,
} from './credential-kinds';
export {
  type CredentialCreation,
  type CredentialRow,
  CredentialsSection,
  type CredentialsSectionProps,
} from './credentials-section';
export { type CursorTrail, cursorTrail } from './cursor-trail';
export {
  type Column,
  DataTable,
  type DataTableProps,
  type ServerPage,
  type Sort,
} from './data-table';
export {
  ConfirmDialog,
  type ConfirmDialogProps,
  Dialog,
  type DialogProps,
  FormDialogFooter,
  type FormDialogFooterProps,
} from './dialog';
export {
  CheckboxField,
  EXPIRY_OPTIONS,
  ExpiryField,
  SelectField,
  type SelectOption,
  TextAreaField,
  TextField,
} from './fields';
export {
  Alert,
  AppShell,
  Badge,
  Card,
  EmptyState,
  Meter,
  type NavGroup,
  type NavLinkItem,
  PageHeader,
  Skeleton,
  Stat,
  type Tone,
} from './layout';
export { Menu, type MenuItem } from './menu';
export { preventingDefault } from './prevent-default';
export { FormProblem, ProblemForm, type ProblemFormProps } from './problem-form';
export { errorCode, errorMessage, fieldError, QUERY_DEFAULTS } from './request-errors';
export { type TabItem, Tabs } from './tabs';
export { accentStyle, isAccentColor } from './theme';
export { Tooltip, TooltipProvider } from './tooltip';
