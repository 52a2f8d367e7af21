-- wrk script of the AI benchmark: every request is a POST of the chat body in
-- the file named by WRK_BODY; headers come from wrk's -H options. The JSON
-- summary (WRK_REPORT) is written by the REST harness's bench/wrk-report.lua,
-- found through WRK_REPORT_LUA.
dofile(os.getenv("WRK_REPORT_LUA"))

local f = assert(io.open(os.getenv("WRK_BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
