/**
 * A fixed-window add as one Lua script: the increment and the expiry of a
 * new key happen together, so a key is never left without a deadline (a
 * crash between INCRBY and PEXPIRE would otherwise keep it forever), and
 * later adds do not push the deadline back.
 *
 * KEYS[1] is the total (a Redis integer). ARGV: amount, ttlMs. Returns the
 * new total as an integer reply: exact for every safe integer, where Lua's
 * tostring would round to 14 digits.
 */
export const ADD_SCRIPT = `
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return total
`;
