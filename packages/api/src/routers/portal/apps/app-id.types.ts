import { z } from 'zod';
import { ZId } from '../../../services/shared/schemas';

export const ZAppIdInput = z.object({ id: ZId });
