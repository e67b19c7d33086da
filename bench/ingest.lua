-- wrk script: ingest as the approval system does it. Each connection's
-- request is either "open a case" (POST /api/v1/cases) or the next event of
-- a case whose previous answer came back (POST /api/v1/cases/N/events), so
-- every request is valid and no two are in flight for one case. A case gets
-- accept, start_review, then request_correction/resume pairs, then approve.
-- TOKEN comes from the env; counts are reported per kind in done().
local token = os.getenv("TOKEN")
local threads = {}
local next_kind = {
  submitted = "accept", accepted = "start_review", under_review = "request_correction",
  paused = "resume",
}
local EVENTS_PER_CASE = 8

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  ready = {}      -- cases whose last answer came back: {number, state, count}
  seq = 0
  creates, events, failures = 0, 0, 0
  create_body = '{"item_code":"ga-001","item_name":"居民身份证换领","department":"public-security",' ..
    '"department_name":"区公安分局","received":"2025-03-03","statutory_limit":{"days":20},' ..
    '"promised_limit":{"days":10},"delivery_method":"express"}'
  headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
  counts = {}
end

function request()
  local c = table.remove(ready)
  if c then
    seq = seq + 1
    local kind = next_kind[c.state] or "approve"
    if c.count + 1 >= EVENTS_PER_CASE and c.state == "under_review" then kind = "approve" end
    counts[c.number] = c.count + 1
    local body = string.format('{"event_id":"bench-%d-%d","kind":"%s","at":"2025-03-04"}', id, seq, kind)
    return wrk.format("POST", "/api/v1/cases/" .. c.number .. "/events", headers, body)
  end
  return wrk.format("POST", "/api/v1/cases", headers, create_body)
end

function response(status, headers_, body)
  if status == 201 then
    creates = creates + 1
  elseif status == 200 then
    events = events + 1
  else
    failures = failures + 1
    return
  end
  local number = body:match('"case_number":"([0-9X]+)"')
  local state = body:match('"state":"([a-z_]+)"')
  if number and state and state ~= "approved" then
    local n = counts[number] or 0
    if n < EVENTS_PER_CASE then
      table.insert(ready, { number = number, state = state, count = n })
    else
      counts[number] = nil
    end
  elseif number then
    counts[number] = nil
  end
end

function done(summary, latency, requests)
  local c, e, f = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("creates"); e = e + t:get("events"); f = f + t:get("failures")
  end
  local secs = summary.duration / 1e6
  io.write(string.format("ingest: %d cases opened, %d events applied, %d failed in %.1f s\n", c, e, f, secs))
  io.write(string.format("ingest: %.0f events/s (+ %.0f case creations/s) = %.0f writes/s, p99 %.1f ms\n",
    e / secs, c / secs, (c + e) / secs, latency:percentile(99) / 1000))
end
