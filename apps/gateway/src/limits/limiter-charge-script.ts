/**
 * Charges admissions a gateway process made on its own while Redis was unavailable (a fail-open
 * plan) to the subjects' quota counters once Redis answers again, so a counter ends at what was
 * served. Each charge names the quota period it was made in; a charge for a period that has
 * ended is dropped (that period's counter no longer limits anything). A counter that is missing
 * (it expired, or Redis lost its data) is created for the period with the charge as its count.
 * The rate limit is not charged: its state drains within one period on its own.
 *
 * For n charges (i from 0): KEYS[i+1] quota key.
 * ARGV[1] now in ms, or '' for Redis TIME
 * ARGV[3i+2] period start ms   ARGV[3i+3] period end ms   ARGV[3i+4] admissions to add
 * Reply: the number of charges applied.
 */
export const LIMITER_CHARGE_BATCH_LUA = `
local call = redis.call
local now
if ARGV[1] == '' then
  local t = call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
else
  now = tonumber(ARGV[1])
end
local applied = 0
for i = 0, #KEYS - 1 do
  local key = KEYS[i + 1]
  local start = tonumber(ARGV[3 * i + 2])
  local finish = tonumber(ARGV[3 * i + 3])
  local count = tonumber(ARGV[3 * i + 4])
  if now < finish then
    local cur = call('GET', key)
    local used = 0
    if cur then
      local s1 = string.find(cur, ':', 1, true)
      local s2 = string.find(cur, ':', s1 + 1, true)
      if tonumber(string.sub(cur, 1, s1 - 1)) == start then used = tonumber(string.sub(cur, s2 + 1)) end
    end
    call('SET', key, string.format('%.0f:%.0f:%.0f', start, finish, used + count), 'PX', finish - now)
    applied = applied + 1
  end
end
return applied
`;

export const LIMITER_CHARGE_BATCH_COMMAND = 'porticoLimitChargeBatch';
