-- wrk script for bench/field.bench.ts: volunteers from all over Britain asking
-- /nearest-marginal.json for their postcode district (a different district each request).
local outcodes = { "LS28", "LS18", "SW1A", "M1", "B1", "CF10", "EH1", "G1", "BS1", "NE1", "SO19", "DY1",
  "W8", "LS17", "S1", "L1", "NG1", "LE1", "CB1", "OX1", "BN1", "PL1", "EX1", "AB10", "IV1", "LL11", "SA1",
  "YO1", "HU1", "DN1", "WF1", "HD1", "BD1", "HX1", "PR1", "BB1", "CH1", "ST1", "WV1", "CV1" }
local counter = 0
function request()
  counter = counter + 1
  local oc = outcodes[(counter % #outcodes) + 1]
  return wrk.format("GET", "/nearest-marginal.json?postcode=" .. oc, { ["accept"] = "application/json" })
end

dofile(os.getenv("WRK_REPORT"))
