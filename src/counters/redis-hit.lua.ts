/**
 * The sliding-window hit as one Lua script, so it is atomic on the Redis
 * server and every gateway node sees one log per key. Time is the server's
 * (TIME), so node clocks need not agree.
 *
 * KEYS[1] is a sorted set of admitted hits (member "seq:cost", score = ms),
 * KEYS[2] a hash holding the running cost sum (s) and a member sequence (q).
 * ARGV: windowMs, limit, cost. Returns {allowed, count, resetMs, retryAfterMs}
 * with count as a string (Lua numbers would be truncated to integers).
 */
export const HIT_SCRIPT = `
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local cutoff = now - window

local sum = tonumber(redis.call('HGET', KEYS[2], 's') or '0')
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', cutoff)
if #old > 0 then
  for i = 1, #old do
    sum = sum - tonumber(string.match(old[i], ':(.*)$'))
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cutoff)
end
if redis.call('ZCARD', KEYS[1]) == 0 then sum = 0 end

local allowed = 0
local retry = 0
if cost > limit then
  retry = window
elseif sum + cost <= limit then
  local seq = redis.call('HINCRBY', KEYS[2], 'q', 1)
  redis.call('ZADD', KEYS[1], now, seq .. ':' .. ARGV[3])
  sum = sum + cost
  allowed = 1
else
  local need = sum + cost - limit
  local freed = 0
  local offset = 0
  retry = window
  local found = false
  while not found do
    local batch = redis.call('ZRANGE', KEYS[1], offset, offset + 63, 'WITHSCORES')
    if #batch == 0 then break end
    for i = 1, #batch, 2 do
      freed = freed + tonumber(string.match(batch[i], ':(.*)$'))
      if freed >= need then
        retry = math.max(1, tonumber(batch[i + 1]) + window - now)
        found = true
        break
      end
    end
    offset = offset + 64
  end
end

local reset = 0
local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if #newest > 0 then
  reset = math.max(0, tonumber(newest[2]) + window - now)
  redis.call('HSET', KEYS[2], 's', tostring(sum))
  local ttl = math.ceil(window) + 1000
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
else
  redis.call('DEL', KEYS[1], KEYS[2])
end
return {allowed, tostring(sum), math.ceil(reset), math.ceil(retry)}
`;
