import { z } from 'zod';
import { ZId } from '../../../services/shared/schemas';

const ZHttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000);

export const ZUpdatePortalSettingsInput = z.object({
  signUpMode: z.enum(['open', 'approval', 'invite']).optional(),
  portalName: z.string().trim().min(1, 'must not be empty').max(100).optional(),
  logoUrl: ZHttpUrl.nullable().optional(),
  accentColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #4f46e5')
    .optional(),
  /** Scheme, host and port developers call; a path is not allowed (each API adds its own). */
  publicGatewayUrl: ZHttpUrl.refine((u) => {
    const url = new URL(u);
    return (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash;
  }, 'must be scheme://host[:port] without a path, e.g. https://api.example.com')
    .transform((u) => new URL(u).origin)
    .optional(),
  /** Exactly these APIs are listed (visibility public); the others become private. */
  listedApiIds: z.array(ZId).max(10_000).optional(),
  /** Exactly these plans are listed (public); the others become unlisted. */
  listedPlanIds: z.array(ZId).max(10_000).optional(),
});
