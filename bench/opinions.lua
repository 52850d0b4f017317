-- 社情民意 reports (bench/opinions.sh). MODE (env) "list": GET /api/v1/opinions with varied
-- filters and pages — 40 % a page below a random id of the whole list, 20 % a status's page below
-- a random id, 30 % first pages of a status, 10 % the 资政之声 channel or a year; "detail": GET
-- PATH_PREFIX .. id over ids 1..MAX_ID in a fixed pseudo-random order. MAX_ID is the highest id.
local mode = os.getenv("MODE") or "list"
local max_id = tonumber(os.getenv("MAX_ID") or "500000")
local prefix = os.getenv("PATH_PREFIX") or "/api/v1/opinions/"
local statuses = { "submitted", "editing", "returned", "adopted", "kept" }
local n = 0
setup = function(thread)
  n = n + 1
  thread:set("seed", n)
end
init = function()
  math.randomseed(seed)
  count = 0
end
request = function()
  if mode == "detail" then
    count = count + 1
    local id = ((count * 7919 + seed * 104729) % max_id) + 1
    return wrk.format("GET", prefix .. id)
  end
  local r = math.random()
  local path
  if r < 0.4 then
    path = "/api/v1/opinions?limit=50&cursor=" .. math.random(1, max_id)
  elseif r < 0.6 then
    path = "/api/v1/opinions?limit=50&status=" .. statuses[math.random(#statuses)] .. "&cursor=" .. math.random(1, max_id)
  elseif r < 0.9 then
    path = "/api/v1/opinions?limit=50&status=" .. statuses[math.random(#statuses)]
  elseif r < 0.95 then
    path = "/api/v1/opinions?limit=50&channel=direct"
  else
    path = "/api/v1/opinions?limit=50&year=" .. math.random(2017, 2026)
  end
  return wrk.format("GET", path)
end
