-- (c): a mixed read/write workload. Each chain creates a user, an organization created
-- by that user, adds a second member, updates the user's metadata, signs the user in,
-- mints a session token and deletes the organization and the user. Connections share
-- a thread's queue of next steps, so the chain advances whichever connection answers.
local headers = {["Authorization"] = "Bearer sk_test_clerksim_default", ["Content-Type"] = "application/json"}
local queue = {}
local head, tail = 1, 0
local tag, counter = "", 0
local member = "user_erin"

local function push(method, path, body)
  tail = tail + 1
  queue[tail] = wrk.format(method, path, headers, body)
end

function setup(thread)
  thread:set("tid", tostring(thread.addr) .. "-" .. tostring(math.random(1, 1e9)))
end

function init(args)
  tag = (args[1] or "run") .. "-" .. (tid or "t"):gsub("[^%w]", "")
  member = args[2] or member
end

function request()
  if head <= tail then
    local r = queue[head]
    queue[head] = nil
    head = head + 1
    return r
  end
  counter = counter + 1
  local email = string.format("mixed-%s-%d@bench.test", tag, counter)
  return wrk.format("POST", "/v1/users", headers, '{"email_address":["' .. email .. '"],"first_name":"Mixed"}')
end

local function has(body, text)
  return body:find(text, 1, true) ~= nil
end

function response(status, hdrs, body)
  if status ~= 200 or body == nil or has(body, '"deleted":true') then return end
  if has(body, '"object":"organization_membership"') then
    local org = body:match('"id":"(org_%w+)"')
    if org then push("DELETE", "/v1/organizations/" .. org) end
  elseif has(body, '"object":"session"') then
    local sess = body:match('"id":"(sess_%w+)"')
    local user = body:match('"user_id":"(user_%w+)"')
    if sess and user then
      push("POST", "/v1/sessions/" .. sess .. "/tokens", "{}")
      push("DELETE", "/v1/users/" .. user)
    end
  elseif has(body, '"object":"organization"') then
    local org = body:match('"id":"(org_%w+)"')
    local user = body:match('"created_by":"(user_%w+)"')
    if org and user then
      push("POST", "/v1/organizations/" .. org .. "/memberships", '{"user_id":"' .. member .. '","role":"org:member"}')
      push("PATCH", "/v1/users/" .. user .. "/metadata", '{"public_metadata":{"stage":"signed-up"}}')
    end
  elseif has(body, '"object":"user"') then
    local user = body:match('"id":"(user_%w+)"')
    if user and has(body, '"stage":"signed-up"') then
      push("POST", "/v1/sessions", '{"user_id":"' .. user .. '"}')
    elseif user then
      push("POST", "/v1/organizations", '{"name":"Mixed ' .. user .. '","created_by":"' .. user .. '"}')
    end
  end
end
