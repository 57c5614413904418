-- wrk script for bench/petition.bench.ts: unique signers posting the real public sign form
-- (form token, Origin header), each from their own address. wrk is a C load generator: it leaves
-- the second core to the server, where autocannon's JavaScript took most of it.
-- Configured by environment: SIGN_PATH, SIGN_ORIGIN, SIGN_FT, SIGN_PREFIX.
local path = os.getenv("SIGN_PATH")
local origin = os.getenv("SIGN_ORIGIN")
local ft = os.getenv("SIGN_FT")
local prefix = os.getenv("SIGN_PREFIX")
local threads = 0

function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

local counter = 0
function request()
  counter = counter + 1
  local n = thread_id * 16777216 + counter
  local body = "ft=" .. ft .. "&name=Signer+" .. n .. "&email=" .. prefix .. n ..
    "%40gmail.com&postcode=LS28+5AB"
  return wrk.format("POST", path, {
    ["content-type"] = "application/x-www-form-urlencoded",
    ["accept"] = "text/html",
    ["origin"] = origin,
    ["x-forwarded-for"] = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256),
  }, body)
end

dofile(os.getenv("WRK_REPORT"))
