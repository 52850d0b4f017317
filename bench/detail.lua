-- Rotates GET over proposal ids 1..MAX_ID (env, default 1,000,000) in a fixed pseudo-random
-- order; PATH_PREFIX (env) is "/api/v1/proposals/" or "/proposals/".
local max_id = tonumber(os.getenv("MAX_ID") or "1000000")
local prefix = os.getenv("PATH_PREFIX") or "/api/v1/proposals/"
local n = 0
request = function()
  n = n + 1
  local id = (n * 7919 + 12345) % max_id + 1
  return wrk.format("GET", prefix .. id)
end
