-- make bench: registration POSTs, each with a unique email, all with one CSRF token.
-- BENCH_CSRF_TOKEN and BENCH_CSRF_COOKIE come from a GET of the form (bench/run.py).
local token = os.getenv("BENCH_CSRF_TOKEN")
local cookie = os.getenv("BENCH_CSRF_COOKIE")
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  counter = 0
end

function request()
  counter = counter + 1
  local body = "csrfmiddlewaretoken=" .. token
    .. "&full_name=Bench+Person&organisation=Bench+LLC&position=Tester&phone=&website="
    .. "&consent=on&email=bench-" .. id .. "-" .. counter .. "-" .. os.time() .. "%40example.org"
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }, body)
end
