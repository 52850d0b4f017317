-- GET /api/v1/proposals with varied filters and pages (bench/list.sh, "mixed"): 60 % pages at a
-- random place in the whole list (a cursor below a random id, so the read cache almost never
-- holds them), 40 % first pages of a status or kind filter. MAX_ID (env) is the highest id.
local statuses = { "submitted", "filed", "not_filed", "assigned", "replied", "closed", "merged", "draft" }
local kinds = { "individual", "joint", "collective" }
local max_id = tonumber(os.getenv("MAX_ID") or "1000000")
local n = 0
setup = function(thread)
  n = n + 1
  thread:set("seed", n)
end
init = function()
  math.randomseed(seed)
end
request = function()
  local r = math.random()
  local path
  if r < 0.4 then
    path = "/api/v1/proposals?limit=50&cursor=" .. math.random(1, max_id)
  elseif r < 0.6 then
    path = "/api/v1/proposals?limit=50&status=" .. statuses[math.random(#statuses)] .. "&cursor=" .. math.random(1, max_id)
  elseif r < 0.9 then
    path = "/api/v1/proposals?limit=50&status=" .. statuses[math.random(#statuses)]
  else
    path = "/api/v1/proposals?limit=50&kind=" .. kinds[math.random(#kinds)]
  end
  return wrk.format("GET", path)
end
