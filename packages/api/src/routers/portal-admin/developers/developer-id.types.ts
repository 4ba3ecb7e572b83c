import { z } from 'zod';
import { ZId } from '../../../services/shared/schemas';

export const ZDeveloperIdInput = z.object({ id: ZId });
