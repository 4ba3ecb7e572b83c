/**
 * Lua scripts for the built-in registry. Each runs atomically inside Redis, so several control
 * replicas (and their sweepers) can act on the same service at once without double-counting a
 * change or resurrecting an instance. Times come from Redis' own clock (`TIME`), never from the
 * replicas', so clock skew between control replicas cannot shorten or stretch a TTL.
 *
 * KEYS for every script: [1] instances hash (id -> JSON record), [2] expiry sorted set
 * (id -> expiry ms), [3] change index counter, [4] set of service names, [5] the store's epoch,
 * [6] how the service last became empty ("deregistered" or "expired"; absent while it has
 * instances).
 * ARGV for every script: [1] pub/sub channel, [2] service, [3] a fresh random epoch candidate.
 * The change is published on ARGV[1] as "<service> <index>".
 *
 * The epoch is a random id written once per store. Watchers compare it between answers: a new
 * epoch means the store was wiped (a flushed or replaced Redis), so change indexes restarted and
 * an empty answer must not be taken as a deliberate deregistration.
 *
 * Only an explicit DELETE of the last instance marks the service "deregistered". When the last
 * instances expire instead, the cause may be the control plane itself (heartbeats failing while
 * it was down), so watchers are told "expired" and keep their last known set.
 */

/** Shared prologue: current time in ms and removal of every expired instance. */
const PRUNE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
local changed = 0
local epoch = redis.call('GET', KEYS[5])
if not epoch then
  epoch = ARGV[3]
  redis.call('SET', KEYS[5], epoch)
end
if #expired > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  redis.call('HDEL', KEYS[1], unpack(expired))
  changed = 1
  if redis.call('HLEN', KEYS[1]) == 0 then redis.call('SET', KEYS[6], 'expired') end
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
 * Register or renew. ARGV: [4] instance id, [5] record JSON, [6] ttl ms.
 * A renewal with an unchanged record only moves the expiry: no index bump, no publish, so
 * heartbeats never wake watchers. Returns [changed, index, epoch].
 */
export const REGISTER_SCRIPT = `${PRUNE}
local previous = redis.call('HGET', KEYS[1], ARGV[4])
if previous ~= ARGV[5] then
  redis.call('HSET', KEYS[1], ARGV[4], ARGV[5])
  changed = 1
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[6]), ARGV[4])
redis.call('DEL', KEYS[6])
redis.call('SADD', KEYS[4], ARGV[2])
${FINISH}
return {changed, index, epoch}
`;

/** Deregister. ARGV: [4] instance id. Returns [removed, index, epoch]. */
export const DEREGISTER_SCRIPT = `${PRUNE}
local removed = redis.call('HDEL', KEYS[1], ARGV[4])
redis.call('ZREM', KEYS[2], ARGV[4])
if removed == 1 then
  changed = 1
  if redis.call('HLEN', KEYS[1]) == 0 then redis.call('SET', KEYS[6], 'deregistered') end
end
${FINISH}
return {removed, index, epoch}
`;

/**
 * Prune expired instances and read what is left.
 * Returns [index, epoch, emptiedBy or '', id1, json1, expiresAt1, id2, ...].
 */
export const READ_SCRIPT = `${PRUNE}
${FINISH}
local out = {index, epoch, redis.call('GET', KEYS[6]) or ''}
local entries = redis.call('HGETALL', KEYS[1])
for i = 1, #entries, 2 do
  out[#out + 1] = entries[i]
  out[#out + 1] = entries[i + 1]
  out[#out + 1] = redis.call('ZSCORE', KEYS[2], entries[i]) or '0'
end
return out
`;

/** Prune only, for the sweeper: returns the index without shipping the instance list back. */
export const PRUNE_SCRIPT = `${PRUNE}
${FINISH}
return index
`;
