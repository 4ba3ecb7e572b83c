import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZApiIdInput = z.object({ id: ZId });
