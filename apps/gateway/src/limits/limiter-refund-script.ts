/**
 * Gives back one admission counted by LIMITER_LUA. Used only when a check's reply arrives after
 * the budget already answered "unavailable" under a fail-closed plan: the client was refused, so
 * the request must not keep consuming rate or quota. KEYS and ARGV[1..4] as in the check script;
 * ARGV[5] is the start (ms) of the quota period the check counted in (from the check's reply
 * time), so a refund that lands after midnight never takes from the next period.
 */
export const LIMITER_REFUND_LUA = `
local now
if ARGV[1] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
else
  now = tonumber(ARGV[1])
end
local rl = tonumber(ARGV[2])
local rp = tonumber(ARGV[3])
local q = tonumber(ARGV[4])
if rl > 0 then
  local cur = redis.call('GET', KEYS[1])
  if cur then
    local sep = string.find(cur, ':', 1, true)
    local base = tonumber(string.sub(cur, 1, sep - 1))
    local frac = tonumber(string.sub(cur, sep + 1))
    if base >= now then
      local d = (base - now) * rl + frac - rp
      if d <= 0 then
        redis.call('DEL', KEYS[1])
      else
        local whole = math.floor(d / rl)
        if whole * rl > d then whole = whole - 1 end
        redis.call('SET', KEYS[1], string.format('%.0f:%.0f', now + whole, d - whole * rl), 'KEEPTTL')
      end
    end
  end
end
if q > 0 then
  local cur = redis.call('GET', KEYS[2])
  if cur then
    local s1 = string.find(cur, ':', 1, true)
    local s2 = string.find(cur, ':', s1 + 1, true)
    local used = tonumber(string.sub(cur, s2 + 1))
    if string.sub(cur, 1, s1 - 1) == ARGV[5] and used > 0 then
      redis.call('SET', KEYS[2], string.sub(cur, 1, s2) .. string.format('%.0f', used - 1), 'KEEPTTL')
    end
  end
end
return 1
`;

export const LIMITER_REFUND_COMMAND = 'porticoLimitRefund';
