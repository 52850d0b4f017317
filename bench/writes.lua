-- Submission through the API (bench/writes.sh): each connection creates a draft
-- (POST /api/v1/proposals), then submits it (POST /api/v1/proposals/{id}/submit), and again.
-- A refused write shows in wrk's non-2xx count.
local body = '{"title":"关于%s的建议（基准写入 %d）","body":"近年来群众反映集中，现有做法存在审批环节多、部门协同不足、资金保障不稳定等问题。建议由牵头部门制定专项方案，明确责任分工和完成时限，建立季度督办机制，并向社会公开进展，切实回应群众关切。"}'
local topics = { "加快老旧小区加装电梯", "完善社区养老服务", "规范校外培训收费", "推进垃圾分类", "提升公交覆盖率" }
local pending = nil
local last = "create"
local n = 0
local threads = {}
setup = function(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
init = function()
  wrk.headers["Content-Type"] = "application/json"
end
request = function()
  if pending then
    last = "submit"
    local id = pending
    pending = nil
    return wrk.format("POST", "/api/v1/proposals/" .. id .. "/submit", nil, "{}")
  end
  last = "create"
  n = n + 1
  return wrk.format("POST", "/api/v1/proposals", nil, string.format(body, topics[n % #topics + 1], tid * 1000000 + n))
end
response = function(status, headers, resp)
  if last == "create" and status == 201 then
    pending = resp:match('"id":(%d+)')
  end
end
