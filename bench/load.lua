-- wrk script of bench/load.py: one kind of request per run, the URLs varied from a data file that load.py writes,
-- every answer's status counted (wrk itself only counts statuses >= 400 as errors; a 302 to the login page would
-- pass unseen).
--
--   wrk -t2 -c8 -d10s --latency -s bench/load.lua http://127.0.0.1:PORT -- KIND DATAFILE [TAG]
--
-- KIND is bare (GET /), search (GET /institutions?q=..., logged in by a session cookie), institution
-- (GET /institutions/<id>, the same cookie), visit (POST /api/v1/visits, a grid worker's Bearer token, an
-- institution of that worker's cells, a GPS position a few metres off) or mixed (institution pages, and one
-- request in four a visit: officers reading while grid workers write). DATAFILE has one item a line:
--   cookie <Cookie header value>
--   search <path and query, URL-encoded>
--   id <institution id>
--   token <Bearer token>            (the n-th token line is worker n, from 1)
--   visit <worker n> <institution id> <latitude> <longitude>
-- TAG (letters and digits) makes the visits' client_id unique across runs.
-- done() prints one line, `RESULT {json}`, that load.py reads.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_number", counter)
  table.insert(threads, thread)
end

local kind, tag
local cookie
local searches, ids, tokens, visits = {}, {}, {}, {}
statuses = {}  -- global: done() reads it from each thread
local sent = 0

local CHECKLISTS = {
  '{"operating":true,"permit_displayed":true,"academic_signs":false,"students_in_school_hours":false,"advertising":false,"fire_exits_clear":true}',
  '{"operating":true,"permit_displayed":true,"academic_signs":false,"students_in_school_hours":false,"advertising":true,"fire_exits_clear":true}',
}

function init(args)
  kind, tag = args[1], args[3] or "0"
  local file = assert(io.open(args[2], "r"))
  for line in file:lines() do
    local key, rest = line:match("^(%S+) (.*)$")
    if key == "cookie" then cookie = rest
    elseif key == "search" then table.insert(searches, rest)
    elseif key == "id" then table.insert(ids, rest)
    elseif key == "token" then table.insert(tokens, rest)
    elseif key == "visit" then
      local worker, id, lat, lon = rest:match("^(%d+) (%d+) (%S+) (%S+)$")
      table.insert(visits, {tonumber(worker), id, tonumber(lat), tonumber(lon)})
    end
  end
  file:close()
  math.randomseed(os.time() * 100 + (thread_number or 0))
end

function request()
  sent = sent + 1
  if kind == "bare" then
    return wrk.format("GET", "/")
  elseif kind == "search" then
    return wrk.format("GET", searches[math.random(#searches)], {["Cookie"] = cookie})
  elseif kind == "institution" or (kind == "mixed" and math.random(4) > 1) then
    return wrk.format("GET", "/institutions/" .. ids[math.random(#ids)], {["Cookie"] = cookie})
  else
    return visit()
  end
end

function visit()
    local v = visits[math.random(#visits)]
    -- a phone's fix: within about 15 m of the institution, 1 visit in 10 finding advertising (a report, 上报)
    local lat = v[3] + (math.random() - 0.5) * 0.00025
    local lon = v[4] + (math.random() - 0.5) * 0.00025
    local checklist = CHECKLISTS[(math.random(10) == 1) and 2 or 1]
    local body = string.format(
      '{"institution_id":%s,"latitude":%.6f,"longitude":%.6f,"accuracy":12,"client_id":"load-%s-%d-%d",' ..
      '"checklist":%s,"notes":"例行检查"}', v[2], lat, lon, tag, thread_number or 0, sent, checklist)
    return wrk.format("POST", "/api/v1/visits", {["Authorization"] = "Bearer " .. tokens[v[1]],
                                                 ["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do
      merged[tostring(status)] = (merged[tostring(status)] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(merged) do table.insert(parts, string.format('"%s":%d', status, n)) end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"mean_us":%.1f,"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"status_errors":%d,' ..
    '"statuses":{%s}}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write, e.timeout, e.status,
    table.concat(parts, ",")))
end
