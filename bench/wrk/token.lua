-- (d): POST /v1/sessions/{id}/tokens, the session id given after --.
local req

function init(args)
  req = wrk.format("POST", "/v1/sessions/" .. args[1] .. "/tokens",
    {["Authorization"] = "Bearer sk_test_clerksim_default", ["Content-Type"] = "application/json"}, "{}")
end

function request()
  return req
end
