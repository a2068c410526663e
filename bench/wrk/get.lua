-- (a) and (b): one GET, its path given after --.
local path
local headers = {["Authorization"] = "Bearer sk_test_clerksim_default"}

function init(args)
  path = args[1]
end

function request()
  return wrk.format("GET", path, headers)
end
