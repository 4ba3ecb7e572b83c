import { cache } from 'react';
import { anonymousApi } from './server-api';

export interface Branding {
  portalName: string;
  logoUrl: string | null;
  accentColor: string;
  publicGatewayUrl: string;
  signUpMode: 'open' | 'approval' | 'invite';
}

/** The operator's portal settings that anyone may read, once per request. */
export const loadBranding = cache(async (): Promise<Branding> => {
  const settings = await anonymousApi().portal.settings.query();
  return {
    portalName: settings.portalName,
    logoUrl: settings.logoUrl,
    accentColor: settings.accentColor,
    publicGatewayUrl: settings.publicGatewayUrl,
    signUpMode: settings.signUpMode,
  };
});
