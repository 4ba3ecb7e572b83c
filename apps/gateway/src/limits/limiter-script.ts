import { LUA_CHECK_KEYS_AND_LIMITS, LUA_LOCALS_AND_NOW } from './limiter-lua-parts.js';

/**
 * The Lua script that checks and counts a batch of requests, each against its plan's rate limit
 * and quota, in one atomic Redis call. Checks are evaluated in order, each exactly as if it had
 * been sent alone, so a later check of the same subject sees the earlier one's writes. For each
 * check both limits are evaluated first and written only when both admit, so a request denied by
 * one limit consumes nothing from the other and a rejected request consumes nothing.
 *
 * Rate limit: GCRA (generic cell rate algorithm). `requests per period` means a sustained rate of
 * requests/period with a burst of up to `requests`; the state is the theoretical arrival time
 * (TAT). To stay exact for any limit (up to 1e9 per second) the TAT offset from now is computed
 * in integer units of 1/requests ms, so one emission interval is exactly `periodMs` units and the
 * burst capacity is `periodMs * requests` units; both stay below 2^53, where Lua's doubles are
 * exact. The TAT is stored as "baseMs:fraction" (fraction in those units) with a TTL of the time
 * until it passes, so idle keys vanish.
 *
 * Quota: a counter per UTC calendar day or month, stored as "startMs:endMs:count" with a TTL to
 * the end of the period (relative, so an injected clock in tests cannot expire it early). The
 * period is computed in Lua (Howard Hinnant's civil-from-days algorithm) only when a new period
 * starts; otherwise the stored bounds are reused, and the counter is rewritten with KEEPTTL (its
 * expiry, set when the period's first request was counted, is already the period's end; a SET
 * with PX costs Redis about three times as much). Within one call the day and month bounds at
 * `now` are computed at most once each.
 *
 * Clock: Redis TIME, read once per call, by default, so every gateway process and replica shares
 * one clock and skew between gateway hosts cannot loosen a limit. A caller-injected time
 * (ARGV[1]) replaces it for tests of window and calendar boundaries. Redis >= 5 replicates script
 * effects, so reading TIME before writing is allowed.
 *
 * For n checks (check i from 0):
 * KEYS[3i+1] rate key, KEYS[3i+2] quota key, KEYS[3i+3] leased-admissions key (same hash tag,
 *   so one Cluster slot; the quota key names its period kind, so a plan switching between daily
 *   and monthly quotas starts a fresh counter). On a cluster every key of one call must share a
 *   slot; the caller groups by slot.
 * KEYS[3n+1], optional: the restore marker (limiterEpochKey); when given and missing, the reply
 *   is { now, -1 } and nothing is written.
 * ARGV[1] now in ms, or '' for Redis TIME
 * ARGV[5i+2] rate requests (0 = no rate limit)   ARGV[5i+3] rate period in ms
 * ARGV[5i+4] quota requests (0 = no quota)       ARGV[5i+5] quota period: 'day' | 'month' | ''
 * ARGV[5i+6] most admissions to grant (1 = this request only; more reserves a lease; negative:
 *   a refill of a lease, with no request of its own)
 *
 * Leases: a check that asks for more than one admission is granted 1 + min(asked - 1,
 * headroom / LEASE_SHARE) of them, where headroom is what both limits would still admit after
 * this request: they are counted here, at once, like that many requests, and the gateway hands
 * them to its next requests of the subject without asking again. A lease never takes more than a
 * sixteenth of what is left, so near a limit every check is granted exactly one admission and is
 * decided here, request by request. Unused admissions go back through the refund script.
 *
 * Settling: a lease's admissions count against the quota at once, so the process holding them may
 * still give some back after another process's request found the quota spent. The leased-
 * admissions key counts what is out on lease (quota plans only); the holder settles it when the
 * lease is used up or ends (refund script). A check that finds the quota spent while leases are
 * out is answered reason 3, "leased elsewhere", and is asked again by the caller once they are
 * settled: the quota ends at exactly what was served, however the leases ended.
 *
 * Reply: a flat array of integers, `nowMs` first, then REPLY_STRIDE values per check in order:
 *   [reason 0 admitted|1 rate|2 quota|3 leased elsewhere, rateRemaining, rateResetMs, quotaRemaining, quotaResetMs,
 *    retryAfterMs, quotaWindowMs, granted]. Admission is `reason == 0`, so it is not sent
 *   separately; `granted` is the number of admissions counted (0 when denied). The remaining
 *   values are after all of them.
 */
export const LIMITER_BATCH_LUA = `${LUA_LOCALS_AND_NOW}
-- Integer formatting costs about half of '%.0f' and writes the same digits for the whole,
-- non-negative values stored here, but Lua's '%d' goes through a C long: keep '%.0f' where a
-- long cannot hold millisecond timestamps (32-bit builds).
local int = '%.0f'
if format('%d', 1099511627776) == '1099511627776' then int = '%d' end
local int2 = int .. ':' .. int
local int3 = int2 .. ':' .. int

-- Howard Hinnant's days <-> civil date algorithms, proleptic Gregorian, UTC
local function days_from_civil(y, m)
  if m <= 2 then y = y - 1 end
  local era = floor(y / 400)
  local yoe = y - era * 400
  local doy = floor((153 * ((m + 9) % 12) + 2) / 5)
  return era * 146097 + yoe * 365 + floor(yoe / 4) - floor(yoe / 100) + doy - 719468
end

-- Bounds of the UTC day and month containing now: every check of the call shares one now,
-- so each is computed at most once per call, and only when a quota period starts.
local day_start = nil
local month_start = nil
local month_end = nil
local function month_bounds()
  local z = floor(now / 86400000) + 719468
  local era = floor(z / 146097)
  local doe = z - era * 146097
  local yoe = floor((doe - floor(doe / 1460) + floor(doe / 36524) - floor(doe / 146096)) / 365)
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + floor(yoe / 4) - floor(yoe / 100))
  local mp = floor((5 * doy + 2) / 153)
  local m = mp + 3
  if mp >= 10 then m = mp - 9 end
  if m <= 2 then y = y + 1 end
  month_start = days_from_civil(y, m) * 86400000
  if m == 12 then month_end = days_from_civil(y + 1, 1) * 86400000
  else month_end = days_from_civil(y, m + 1) * 86400000 end
end

-- floor(a / rl) for integers below 2^53, corrected for rounding of the division
local function div_rl(a, rl)
  local r = floor(a / rl)
  if r * rl > a then r = r - 1 elseif (r + 1) * rl <= a then r = r + 1 end
  return r
end

-- A lease takes at most 1/LEASE_SHARE of the admissions left (see the header comment).
local LEASE_SHARE = 16
-- Leased admissions a process never settled (it died) stop holding refusals back after this.
local LEASE_SETTLE_TTL_MS = 15000

local stride = 5
local n = (#ARGV - 1) / stride
-- A key after the checks' own is the restore marker: when it is gone, Redis lost its data and
-- the quota counters are not restored yet; nothing is counted and the caller decides by policy.
if #KEYS > 3 * n and call('EXISTS', KEYS[#KEYS]) == 0 then return { now, -1 } end

local out = { now }
local o = 1
for i = 0, n - 1 do${LUA_CHECK_KEYS_AND_LIMITS}  local want = tonumber(ARGV[a + 5])
  -- A refill (negative) has no request of its own: every admission it gets is leased.
  local refill = want < 0
  if refill then want = -want end

  -- Rate limit (GCRA) in units of 1/rl ms.
  local rate_denied = false
  local rate_d = 0
  local rate_new = 0
  local cap = 0
  if rl > 0 then
    cap = rp * rl
    local cur = call('GET', rate_key)
    if cur then
      local sep = find(cur, ':', 1, true)
      local base = tonumber(sub(cur, 1, sep - 1))
      -- now is whole ms, so a base before now means the TAT has passed: the bucket is full
      if base >= now then
        -- the fraction is below rl unless the plan's limit changed; clamping keeps that error < 1 ms
        local frac = tonumber(sub(cur, sep + 1))
        if frac >= rl then frac = rl - 1 end
        rate_d = (base - now) * rl + frac
        -- a clock that went backwards (injected time) must not lock a key for more than a window
        if rate_d > cap then rate_d = cap end
      end
    end
    rate_new = rate_d + rp
    if rate_new > cap then rate_denied = true end
  end

  -- Quota: the stored value "startMs:endMs:count" carries its period, so the calendar is only
  -- computed when a period starts (or for a new subject), not on every request.
  local quota_denied = false
  local used = 0
  local qstart = 0
  local qend = 0
  local qprefix = nil
  if q > 0 then
    local cur = call('GET', quota_key)
    if cur then
      local s1 = find(cur, ':', 1, true)
      local s2 = find(cur, ':', s1 + 1, true)
      qstart = tonumber(sub(cur, 1, s1 - 1))
      qend = tonumber(sub(cur, s1 + 1, s2 - 1))
      if now >= qstart and now < qend then
        used = tonumber(sub(cur, s2 + 1))
        qprefix = sub(cur, 1, s2)
      else
        qend = 0
      end
    end
    if qend == 0 then
      if ARGV[a + 4] == 'day' then
        if day_start == nil then day_start = floor(now / 86400000) * 86400000 end
        qstart = day_start
        qend = day_start + 86400000
      else
        if month_start == nil then month_bounds() end
        qstart = month_start
        qend = month_end
      end
    end
    if used >= q then quota_denied = true end
  end

  local reason = 0
  local retry = 0
  if quota_denied and not rate_denied and tonumber(call('GET', leased_key) or '0') > 0 then
    -- Spent, but some of it is leased to a gateway process that may give it back unused:
    -- the caller asks again once the leases are settled instead of refusing now.
    reason = 3
  elseif quota_denied then
    reason = 2
    retry = qend - now
  elseif rate_denied then
    reason = 1
    local over = rate_new - cap
    retry = div_rl(over, rl)
    if retry * rl < over then retry = retry + 1 end
  end

  local rate_remaining = 0
  local rate_reset = 0
  local granted = 0
  if reason == 0 then
    granted = 1
    if want > 1 then
      -- A lease: more admissions, at most a share of what both limits would still admit.
      local extra = want - 1
      if rl > 0 then
        local room = floor(floor((cap - rate_new) / rp) / LEASE_SHARE)
        if room < extra then extra = room end
      end
      if q > 0 then
        local room = floor((q - used - 1) / LEASE_SHARE)
        if room < extra then extra = room end
      end
      if extra > 0 then
        granted = 1 + extra
        rate_new = rate_new + extra * rp
        used = used + extra
      end
    end
    if q > 0 then
      -- Out on lease until the process settles it (refund script); the expiry only clears what
      -- a process that died with a lease never settled. A refill's admissions all go on lease,
      -- even a single one when the quota left room for no more: the process settles all it was
      -- granted, and checks elsewhere must wait for it before they call the quota spent.
      local leased = granted - 1
      if refill then leased = granted end
      if leased > 0 then
        call('INCRBY', leased_key, leased)
        call('PEXPIRE', leased_key, LEASE_SETTLE_TTL_MS)
      end
    end
    if rl > 0 then
      local whole = div_rl(rate_new, rl)
      local frac = rate_new - whole * rl
      rate_reset = whole
      if frac > 0 then rate_reset = whole + 1 end
      call('SET', rate_key, format(int2, now + whole, frac), 'PX', rate_reset + 1)
      -- exact: rp >= 1000 and the quotient is at most rl, far from double rounding trouble
      rate_remaining = floor((cap - rate_new) / rp)
    end
    if q > 0 then
      used = used + 1
      if qprefix and call('PTTL', quota_key) > 0 then
        -- Same period: the key already expires at its end, so only the count changes. A key
        -- without an expiry (written by something else) gets one below.
        call('SET', quota_key, qprefix .. format(int, used), 'KEEPTTL')
      else
        call('SET', quota_key, format(int3, qstart, qend, used), 'PX', qend - now)
      end
    end
  elseif rl > 0 then
    rate_reset = div_rl(rate_d, rl)
    if rate_reset * rl < rate_d then rate_reset = rate_reset + 1 end
    if not rate_denied then rate_remaining = floor((cap - rate_d) / rp) end
  end

  local quota_remaining = 0
  local quota_reset = 0
  if q > 0 then
    quota_remaining = q - used
    if quota_remaining < 0 then quota_remaining = 0 end
    quota_reset = qend - now
  end
  out[o + 1] = reason
  out[o + 2] = rate_remaining
  out[o + 3] = rate_reset
  out[o + 4] = quota_remaining
  out[o + 5] = quota_reset
  out[o + 6] = retry
  out[o + 7] = qend - qstart
  out[o + 8] = granted
  o = o + 8
end
return out
`;

/** Values per check in the batch script's reply, after the leading `nowMs`. */
export const REPLY_STRIDE = 8;

/** Offsets within one check's REPLY_STRIDE values. */
export const REPLY = {
  reason: 0,
  rateRemaining: 1,
  rateResetMs: 2,
  quotaRemaining: 3,
  quotaResetMs: 4,
  retryAfterMs: 5,
  quotaWindowMs: 6,
  granted: 7,
} as const;

/** Arguments per check after ARGV[1] (see the header comment). */
export const ARGV_STRIDE = 5;

/** Keys per check (rate, quota, leased admissions) in both scripts. */
export const KEYS_PER_CHECK = 3;

/** Reason code of a check that found the quota spent while some of it is out on lease. */
export const LEASED_ELSEWHERE = 3;

export const LIMITER_BATCH_COMMAND = 'porticoLimitCheckBatch';
