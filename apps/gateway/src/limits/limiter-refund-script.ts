import { LUA_CHECK_KEYS_AND_LIMITS, LUA_LOCALS_AND_NOW } from './limiter-lua-parts.js';

/**
 * Gives back admissions counted by LIMITER_BATCH_LUA, several per call: a lease's unused
 * admissions (expired, plan changed, shutdown), and admissions counted for checks whose reply
 * arrived after the budget had already decided them (a refused fail-closed request must not keep
 * consuming rate or quota).
 *
 * For n refunds (i from 0): KEYS[3i+1] rate key, KEYS[3i+2] quota key, KEYS[3i+3] leased-
 * admissions key, as in the check script.
 * ARGV[1] now in ms, or '' for Redis TIME (read once per call)
 * ARGV[6i+2] rate requests (0 = none)   ARGV[6i+3] rate period in ms
 * ARGV[6i+4] quota requests (0 = none)  ARGV[6i+5] start (ms) of the quota period the check
 *   counted in (from the check reply's time), so a refund that lands after midnight never takes
 *   from the next period
 * ARGV[6i+6] how many admissions to give back (1 for a refused request; a lease's unused ones)
 * ARGV[6i+7] how many leased admissions this settles (all a lease was granted, used or not)
 * Reply: the number of refunds processed.
 */
export const LIMITER_REFUND_BATCH_LUA = `${LUA_LOCALS_AND_NOW}local stride = 6
local n = (#ARGV - 1) / stride
for i = 0, n - 1 do${LUA_CHECK_KEYS_AND_LIMITS}  local count = tonumber(ARGV[a + 5])
  local settle = tonumber(ARGV[a + 6])
  if settle > 0 and call('DECRBY', leased_key, settle) <= 0 then call('DEL', leased_key) end
  if rl > 0 and count > 0 then
    local cur = call('GET', rate_key)
    if cur then
      local sep = find(cur, ':', 1, true)
      local base = tonumber(sub(cur, 1, sep - 1))
      local frac = tonumber(sub(cur, sep + 1))
      if base >= now then
        local d = (base - now) * rl + frac - rp * count
        if d <= 0 then
          call('DEL', rate_key)
        else
          local whole = floor(d / rl)
          if whole * rl > d then whole = whole - 1 end
          call('SET', rate_key, format('%.0f:%.0f', now + whole, d - whole * rl), 'KEEPTTL')
        end
      end
    end
  end
  if q > 0 and count > 0 then
    local cur = call('GET', quota_key)
    if cur then
      local s1 = find(cur, ':', 1, true)
      local s2 = find(cur, ':', s1 + 1, true)
      local used = tonumber(sub(cur, s2 + 1))
      if sub(cur, 1, s1 - 1) == ARGV[a + 4] and used > 0 then
        local left = used - count
        if left < 0 then left = 0 end
        call('SET', quota_key, sub(cur, 1, s2) .. format('%.0f', left), 'KEEPTTL')
      end
    end
  end
end
return n
`;

export const LIMITER_REFUND_BATCH_COMMAND = 'porticoLimitRefundBatch';

/** Arguments per refund after ARGV[1]: the check's five, then the count to settle. */
export const REFUND_ARGV_STRIDE = 6;
