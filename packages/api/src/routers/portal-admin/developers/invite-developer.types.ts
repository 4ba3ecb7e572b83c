import { z } from 'zod';
import { ZEmail } from '../../../services/shared/schemas';

export const ZInviteDeveloperInput = z.object({ email: ZEmail });
