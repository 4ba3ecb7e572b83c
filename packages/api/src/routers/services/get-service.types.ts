import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZServiceIdInput = z.object({ id: ZId });
