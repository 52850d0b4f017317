-- Rotates GET /api/v1/search through the queries of bench/search-queries.txt.
local queries = {}
for line in io.lines("bench/search-queries.txt") do
  if line ~= "" and line:sub(1, 1) ~= "#" then
    queries[#queries + 1] = line:gsub("([^%w%-_.~])", function(c) return string.format("%%%02X", string.byte(c)) end)
  end
end
local i = 0
request = function()
  i = i % #queries + 1
  return wrk.format("GET", "/api/v1/search?limit=20&q=" .. queries[i])
end
