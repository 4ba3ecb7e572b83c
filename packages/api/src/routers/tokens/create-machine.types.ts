import { z } from 'zod';
import { MACHINE_TOKEN_SCOPES } from '../../services/tokens/machine-tokens';

export const ZCreateMachineInput = z.object({
  kind: z.enum(['dataplane', 'registry']),
  name: z.string().trim().min(1, 'must not be empty').max(100),
  scopes: z.array(z.enum(MACHINE_TOKEN_SCOPES)).max(2).optional(),
});
