/**
 * Lua that the check and refund scripts share, spliced into their source so both read the clock
 * and a check's keys and limits the same way (the layout limiter-script-calls.ts writes).
 */

/** Locals for the library functions both scripts use, and `now`: ARGV[1], or Redis TIME. */
export const LUA_LOCALS_AND_NOW = `
local floor = math.floor
local find = string.find
local sub = string.sub
local format = string.format
local tonumber = tonumber
local call = redis.call
local now
if ARGV[1] == '' then
  local t = call('TIME')
  now = tonumber(t[1]) * 1000 + floor(tonumber(t[2]) / 1000)
else
  now = tonumber(ARGV[1])
end
`;

/**
 * Inside `for i = 0, n - 1 do`: check i's three keys (rate, quota, leased admissions), where
 * its ARGV values start (`a`, with the script's own `stride` per item), and its rate limit (`rl`
 * per `rp` ms) and quota (`q`); 0 means none.
 */
export const LUA_CHECK_KEYS_AND_LIMITS = `
  local rate_key = KEYS[3 * i + 1]
  local quota_key = KEYS[3 * i + 2]
  local leased_key = KEYS[3 * i + 3]
  local a = stride * i + 1
  local rl = tonumber(ARGV[a + 1])
  local rp = tonumber(ARGV[a + 2])
  local q = tonumber(ARGV[a + 3])
`;
