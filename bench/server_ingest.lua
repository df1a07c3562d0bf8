-- wrk script of bench/server.sh: POST batches of 100 events with unique ids
-- (thread number, request counter, event index) to /api/v1/agents/events.
local thread_no = 0
local threads = {}

function setup(thread)
	thread_no = thread_no + 1
	thread:set("tid", thread_no)
	table.insert(threads, thread)
end

local counter = 0
local cats = { "process", "file", "network", "escape", "syscall" }
local sev = { "critical", "high", "medium", "low", "info" }

function request()
	counter = counter + 1
	local parts = {}
	for i = 1, 100 do
		parts[i] = string.format(
			'{"id":"w%d-%d-%d","time":"2026-11-25T10:00:00Z","category":"%s","rule":"rule.%d",' ..
			'"severity":"%s","action":"alert","message":"bench","container":{"id":"c%d","name":"app-%d",' ..
			'"image":"registry.example/app:1"},"process":{"pid":%d,"exe":"/usr/bin/x"}}',
			tid, counter, i, cats[(i % 5) + 1], i % 40, sev[(i % 5) + 1], i % 50, i % 50, i)
	end
	wrk.headers["Content-Type"] = "application/json"
	return wrk.format("POST", nil, wrk.headers, '{"events":[' .. table.concat(parts, ",") .. ']}')
end
