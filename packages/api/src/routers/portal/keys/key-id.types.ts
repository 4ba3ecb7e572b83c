import { z } from 'zod';
import { ZId } from '../../../services/shared/schemas';

export const ZPortalKeyIdInput = z.object({ id: ZId });
