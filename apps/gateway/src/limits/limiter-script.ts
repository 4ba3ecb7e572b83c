/**
 * The one Lua script that checks and counts a plan's rate limit and quota in a single atomic
 * Redis call. Both limits are evaluated first and written only when both admit, so a request
 * denied by one limit consumes nothing from the other and a rejected request consumes nothing.
 *
 * Rate limit: GCRA (generic cell rate algorithm). `requests per period` means a sustained rate of
 * requests/period with a burst of up to `requests`; the state is the theoretical arrival time
 * (TAT). To stay exact for any limit (up to 1e9 per second) the TAT offset from now is computed
 * in integer units of 1/requests ms, so one emission interval is exactly `periodMs` units and the
 * burst capacity is `periodMs * requests` units; both stay below 2^53, where Lua's doubles are
 * exact. The TAT is stored as "baseMs:fraction" (fraction in those units) with a TTL of the time
 * until it passes, so idle keys vanish.
 *
 * Quota: a counter per UTC calendar day or month, stored as "periodId:count" with a TTL to the end
 * of the period (relative, so an injected clock in tests cannot expire it early). The period is
 * computed in Lua (Howard Hinnant's civil-from-days algorithm).
 *
 * Clock: Redis TIME by default, so every gateway process and replica shares one clock and skew
 * between gateway hosts cannot loosen a limit. A caller-injected time (ARGV[1]) replaces it for
 * tests of window and calendar boundaries. Redis >= 5 replicates script effects, so reading TIME
 * before writing is allowed.
 *
 * KEYS[1] rate key, KEYS[2] quota key (same hash tag, so one Cluster slot)
 * ARGV[1] now in ms, or '' for Redis TIME
 * ARGV[2] rate requests (0 = no rate limit)   ARGV[3] rate period in ms
 * ARGV[4] quota requests (0 = no quota)       ARGV[5] quota period: 'day' | 'month'
 *
 * Reply (integers): [allowed 0|1, reason 0 none|1 rate|2 quota, rateRemaining, rateResetMs,
 *   quotaRemaining, quotaResetMs, retryAfterMs, quotaWindowMs, nowMs]
 */
export const LIMITER_LUA = `
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
local qper = ARGV[5]

-- floor(a / b) for non-negative integers below 2^53, corrected for rounding of the division
local function idiv(a, b)
  local r = math.floor(a / b)
  if r * b > a then r = r - 1 elseif (r + 1) * b <= a then r = r + 1 end
  return r
end
local function ceil_div(a, b)
  local r = idiv(a, b)
  if r * b < a then r = r + 1 end
  return r
end
local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = math.floor((153 * mp + 2) / 5) + d - 1
  local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
end
local function civil_from_days(z)
  z = z + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local m = mp + 3
  if mp >= 10 then m = mp - 9 end
  if m <= 2 then y = y + 1 end
  return y, m
end

local rate_denied = false
local rate_d = 0
local rate_new = 0
local cap = 0
if rl > 0 then
  cap = rp * rl
  local cur = redis.call('GET', KEYS[1])
  if cur then
    local sep = string.find(cur, ':', 1, true)
    local base = tonumber(string.sub(cur, 1, sep - 1))
    local frac = tonumber(string.sub(cur, sep + 1))
    -- now is whole ms, so a base before now means the TAT has passed: the bucket is full
    if base >= now then rate_d = (base - now) * rl + frac end
    -- a clock that went backwards (injected time) must not lock the key for longer than a window
    if rate_d > cap then rate_d = cap end
  end
  rate_new = rate_d + rp
  if rate_new > cap then rate_denied = true end
end

local quota_denied = false
local used = 0
local qid = 0
local qstart = 0
local qend = 0
if q > 0 then
  local day = math.floor(now / 86400000)
  if qper == 'day' then
    qid = day
    qstart = day * 86400000
    qend = qstart + 86400000
  else
    local y, m = civil_from_days(day)
    qid = y * 12 + m - 1
    qstart = days_from_civil(y, m, 1) * 86400000
    if m == 12 then qend = days_from_civil(y + 1, 1, 1) * 86400000
    else qend = days_from_civil(y, m + 1, 1) * 86400000 end
  end
  local cur = redis.call('GET', KEYS[2])
  if cur then
    local sep = string.find(cur, ':', 1, true)
    if tonumber(string.sub(cur, 1, sep - 1)) == qid then
      used = tonumber(string.sub(cur, sep + 1))
    end
  end
  if used + 1 > q then quota_denied = true end
end

local reason = 0
local retry = 0
if quota_denied then
  reason = 2
  retry = qend - now
elseif rate_denied then
  reason = 1
  retry = ceil_div(rate_new - cap, rl)
end

local rate_remaining = 0
local rate_reset = 0
local quota_remaining = 0
if reason == 0 then
  if rl > 0 then
    local whole = idiv(rate_new, rl)
    rate_reset = ceil_div(rate_new, rl)
    redis.call('SET', KEYS[1], string.format('%.0f:%.0f', now + whole, rate_new - whole * rl), 'PX', rate_reset + 1)
    rate_remaining = idiv(cap - rate_new, rp)
  end
  if q > 0 then
    used = used + 1
    redis.call('SET', KEYS[2], string.format('%.0f:%.0f', qid, used), 'PX', qend - now)
  end
elseif rl > 0 then
  rate_reset = ceil_div(rate_d, rl)
  if rate_d + rp <= cap then rate_remaining = idiv(cap - rate_d, rp) end
end
if q > 0 then quota_remaining = q - used end
if quota_remaining < 0 then quota_remaining = 0 end

local quota_reset = 0
if q > 0 then quota_reset = qend - now end
return { reason == 0 and 1 or 0, reason, rate_remaining, rate_reset, quota_remaining, quota_reset, retry, qend - qstart, now }
`;

/** Index names of the script's reply array. */
export const REPLY = {
  allowed: 0,
  reason: 1,
  rateRemaining: 2,
  rateResetMs: 3,
  quotaRemaining: 4,
  quotaResetMs: 5,
  retryAfterMs: 6,
  quotaWindowMs: 7,
  nowMs: 8,
} as const;

export const LIMITER_COMMAND = 'porticoLimitCheck';
