import { cache } from 'react';
import { anonymousApi } from './server-api';

export interface Branding {
  portalName: string;
  logoUrl: string | null;
  accentColor: string;
  publicGatewayUrl: string;
  signUpMode: 'open' | 'approval' | 'invite';
}

/** What the portal shows while the control plane cannot be reached (its own defaults). */
const FALLBACK: Branding = {
  portalName: 'Developer portal',
  logoUrl: null,
  accentColor: '#4f46e5',
  publicGatewayUrl: 'http://localhost:8080',
  signUpMode: 'open',
};

/**
 * The operator's portal settings that anyone may read, once per request. When the control plane
 * is unreachable the page still renders, unbranded, so its error boundary can say what is wrong.
 */
export const loadBranding = cache(async (): Promise<Branding> => {
  const settings = await anonymousApi()
    .portal.settings.query()
    .catch((error: unknown) => {
      console.error('portal: could not read the portal settings from the control plane', error);
      return FALLBACK;
    });
  return {
    portalName: settings.portalName,
    logoUrl: settings.logoUrl,
    accentColor: settings.accentColor,
    publicGatewayUrl: settings.publicGatewayUrl,
    signUpMode: settings.signUpMode,
  };
});
