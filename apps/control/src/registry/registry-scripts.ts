/**
 * Lua scripts for the built-in registry. Each runs atomically inside Redis, so several control
 * replicas (and their sweepers) can act on the same service at once without double-counting a
 * change or resurrecting an instance. Times come from Redis' own clock (`TIME`), never from the
 * replicas', so clock skew between control replicas cannot shorten or stretch a TTL.
 *
 * KEYS for every script: [1] instances hash (id -> JSON record), [2] expiry sorted set
 * (id -> expiry ms), [3] change index counter, [4] set of service names.
 * The change is published on ARGV[1] (channel) as "<service> <index>".
 */

/** Shared prologue: current time in ms and removal of every expired instance. */
const PRUNE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
local changed = 0
if #expired > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  redis.call('HDEL', KEYS[1], unpack(expired))
  changed = 1
end
`;

const FINISH = `
local index = tonumber(redis.call('GET', KEYS[3]) or '0')
if changed == 1 then
  index = redis.call('INCR', KEYS[3])
  redis.call('PUBLISH', ARGV[1], ARGV[2] .. ' ' .. index)
end
if redis.call('HLEN', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[4], ARGV[2])
end
`;

/**
 * Register or renew. ARGV: [1] channel, [2] service, [3] instance id, [4] record JSON, [5] ttl ms.
 * A renewal with an unchanged record only moves the expiry: no index bump, no publish, so
 * heartbeats never wake watchers. Returns [changed, index].
 */
export const REGISTER_SCRIPT = `${PRUNE}
local previous = redis.call('HGET', KEYS[1], ARGV[3])
if previous ~= ARGV[4] then
  redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
  changed = 1
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[3])
redis.call('SADD', KEYS[4], ARGV[2])
${FINISH}
return {changed, index}
`;

/** Deregister. ARGV: [1] channel, [2] service, [3] instance id. Returns [removed, index]. */
export const DEREGISTER_SCRIPT = `${PRUNE}
local removed = redis.call('HDEL', KEYS[1], ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[3])
if removed == 1 then changed = 1 end
${FINISH}
return {removed, index}
`;

/**
 * Prune expired instances and read what is left. ARGV: [1] channel, [2] service.
 * Returns [index, id1, json1, expiresAt1, id2, ...].
 */
export const READ_SCRIPT = `${PRUNE}
${FINISH}
local out = {index}
local entries = redis.call('HGETALL', KEYS[1])
for i = 1, #entries, 2 do
  out[#out + 1] = entries[i]
  out[#out + 1] = entries[i + 1]
  out[#out + 1] = redis.call('ZSCORE', KEYS[2], entries[i]) or '0'
end
return out
`;
