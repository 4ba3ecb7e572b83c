import type { PortalSettings, Prisma } from '@portico/db';
import { pickColumns } from '../shared/pick-columns';

export type SignUpMode = 'open' | 'approval' | 'invite';

export interface PortalSettingsView {
  signUpMode: SignUpMode;
  portalName: string;
  logoUrl: string | null;
  accentColor: string;
  publicGatewayUrl: string;
  updatedAt: Date | null;
}

const SETTINGS_ID = 'portal';

/** What the portal uses before an operator saves anything (the table's column defaults). */
export const DEFAULT_PORTAL_SETTINGS: PortalSettingsView = {
  signUpMode: 'open',
  portalName: 'Developer portal',
  logoUrl: null,
  accentColor: '#4f46e5',
  publicGatewayUrl: 'http://localhost:8080',
  updatedAt: null,
};

function toView(row: PortalSettings): PortalSettingsView {
  return pickColumns(row, [
    'signUpMode',
    'portalName',
    'logoUrl',
    'accentColor',
    'publicGatewayUrl',
    'updatedAt',
  ]);
}

/** The saved settings, or the defaults when none were saved (reading never writes). */
export async function readPortalSettings(
  tx: Prisma.TransactionClient,
): Promise<PortalSettingsView> {
  const row = await tx.portalSettings.findUnique({ where: { id: SETTINGS_ID } });
  return row ? toView(row) : DEFAULT_PORTAL_SETTINGS;
}

export interface PortalSettingsPatch {
  signUpMode?: SignUpMode | undefined;
  portalName?: string | undefined;
  logoUrl?: string | null | undefined;
  accentColor?: string | undefined;
  publicGatewayUrl?: string | undefined;
}

/** Saves the fields given, creating the row with the defaults for the rest on first save. */
export async function writePortalSettings(
  tx: Prisma.TransactionClient,
  patch: PortalSettingsPatch,
): Promise<{ before: PortalSettingsView; after: PortalSettingsView }> {
  const before = await readPortalSettings(tx);
  const row = await tx.portalSettings.upsert({
    where: { id: SETTINGS_ID },
    create: { id: SETTINGS_ID, ...patch },
    update: patch,
  });
  return { before, after: toView(row) };
}

/** An API's public URL: the gateway URL developers call plus the API's base path. */
export function apiGatewayUrl(publicGatewayUrl: string, basePath: string): string {
  return `${publicGatewayUrl.replace(/\/+$/, '')}${basePath === '/' ? '' : basePath}`;
}
