-- wrk script for the hook gateway benchmark (bench/gateway/run.sh): posts the captured SRS fixtures
-- on_publish.json / on_unpublish.json, byte for byte except the values of "stream" and "client_id",
-- which are replaced everywhere they occur (so stream_url follows) to make every hook a distinct event.
-- Hook 2k is the on_publish and hook 2k+1 the on_unpublish of session k of a wrk thread.
--
--   wrk -t2 -c64 -d30s -s bench/gateway/hooks.lua http://127.0.0.1:18085/srs/hooks -- FIXTURE_DIR TAG
--
-- client_id = TAG .. thread number (1 character, base 36) .. session number (6 characters, base 36),
-- 8 characters like SRS's; the stream is "bench-" .. client_id. FIXTURE_DIR defaults to
-- test-fixtures/srs of the repository when run from its root, TAG to "s". Non-200 answers are counted and printed by done().

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return (s:gsub("%s+$", ""))
end

local function field(json, name)
  local v = json:match('"' .. name .. '":"([^"]+)"')
  assert(v, "fixture has no string field " .. name)
  return v
end

-- plain (non-pattern) replacement of every occurrence
local function replace(s, old, new)
  local out, i = {}, 1
  while true do
    local a, b = s:find(old, i, true)
    if not a then break end
    out[#out + 1] = s:sub(i, a - 1)
    out[#out + 1] = new
    i = b + 1
  end
  out[#out + 1] = s:sub(i)
  return table.concat(out)
end

local digits = "0123456789abcdefghijklmnopqrstuvwxyz"

local function base36(n, width)
  local s = ""
  repeat
    local d = n % 36
    s = digits:sub(d + 1, d + 1) .. s
    n = math.floor(n / 36)
  until n == 0
  return string.rep("0", width - #s) .. s
end

local hooks, prefix, n = {}, "", 0
non200 = 0

function init(args)
  local dir = args[1] or "test-fixtures/srs"
  local tag = args[2] or "s"
  for i, name in ipairs({ "on_publish.json", "on_unpublish.json" }) do
    local json = read(dir .. "/" .. name)
    hooks[i] = { json = json, stream = field(json, "stream"), client = field(json, "client_id") }
  end
  prefix = tag .. base36(id, 1)
end

local headers = {
  ["Content-Type"] = "application/json",
  ["Connection"] = "Keep-Alive",
  ["User-Agent"] = "SRS/6.0.157(Hang)",
}

function request()
  local h = hooks[(n % 2) + 1]
  local client = prefix .. base36(math.floor(n / 2), 6)
  n = n + 1
  local body = replace(replace(h.json, h.stream, "bench-" .. client), h.client, client)
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  if status ~= 200 or body ~= '{"code":0}' then
    non200 = non200 + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non200")
  end
  io.write(string.format("lua.bad_answers=%d\n", bad))
end
