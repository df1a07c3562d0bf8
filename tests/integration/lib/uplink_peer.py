#!/usr/bin/env python3
"""A small real HTTP peer for the agent uplink's tests (lib/agent/uplink.c).

It speaks the agent side of the management server's protocol (docs/agent-uplink.md):
register, heartbeat, policies (ETag / If-None-Match) and event batches, idempotent by
event id. State lives in --state DIR so the peer can be killed (SIGKILL) and started
again on the same port without forgetting what it stored:

  DIR/ids.txt           one stored event id per line, appended (and flushed) BEFORE the
                        200 answer, as the real server commits before it answers
  DIR/requests.log      one line per event POST: "STATUS NEVENTS"
  DIR/heartbeats.jsonl  each heartbeat body
  DIR/policy.log        one line per policy GET: "STATUS IF-NONE-MATCH"
  DIR/control.json      read on every request (the tests rewrite it):
      {"events_status": 503}         answer every event POST with this status
      {"token_valid": false}         401 for the agent token
      {"register_status": 403}       refuse registrations (quota used up)
      {"policy": [...], "etag": "v2"} the policies served and their version
      {"heartbeat_interval": 1}
      {"delay_ms": 10}               sleep before answering an event POST
An event with "poison": true is refused with 400 naming its index, like a malformed
event; more than 5000 events or 8 MiB is 413.
"""
import argparse
import json
import os
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
ARGS = None
SEEN = set()


def control():
    try:
        with open(os.path.join(ARGS.state, "control.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def append(name, line):
    with open(os.path.join(ARGS.state, name), "a") as f:
        f.write(line + "\n")
        f.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def setup(self):
        super().setup()
        # headers and body are two writes: without this, Nagle and delayed ACKs
        # cost 40 ms a request
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def answer(self, status, obj=None, headers=None, raw=None):
        body = raw if raw is not None else (b"" if obj is None else json.dumps(obj).encode())
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if status != 304:
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def bearer(self):
        a = self.headers.get("Authorization", "")
        return a[7:] if a.startswith("Bearer ") else None

    def body(self, limit):
        n = int(self.headers.get("Content-Length", "0"))
        if n > limit:
            self.rfile.read(n)
            return None
        return self.rfile.read(n)

    def agent_ok(self, ctl):
        if self.bearer() != ARGS.agent_token or ctl.get("token_valid", True) is False:
            self.answer(401, {"code": "unauthorized", "message": "invalid or revoked token"})
            return False
        return True

    def do_GET(self):
        ctl = control()
        if self.path != "/api/v1/agents/policies":
            return self.answer(404, {"code": "not_found", "message": self.path})
        if not self.agent_ok(ctl):
            return None
        etag = '"%s"' % ctl.get("etag", "v1")
        inm = self.headers.get("If-None-Match", "-")
        with LOCK:
            if inm == etag:
                append("policy.log", "304 " + inm)
                return self.answer(304, headers={"ETag": etag})
            append("policy.log", "200 " + inm)
        return self.answer(200, raw=json.dumps(ctl.get("policy", [])).encode(),
                           headers={"ETag": etag})

    def do_POST(self):
        ctl = control()
        if self.path == "/api/v1/agents/register":
            raw = self.body(1 << 16)
            if self.bearer() != ARGS.join_token:
                return self.answer(401, {"code": "unauthorized", "message": "bad join token"})
            if ctl.get("register_status"):
                return self.answer(ctl["register_status"], {
                    "code": "quota", "message": "the protection quota is used up"})
            req = json.loads(raw)
            return self.answer(201, {"node_id": "n-" + req["node"], "cluster_id": "c-1",
                                     "token": ARGS.agent_token, "protected": False,
                                     "heartbeat_interval": ctl.get("heartbeat_interval", 30)})
        if self.path == "/api/v1/agents/heartbeat":
            raw = self.body(1 << 16)
            if not self.agent_ok(ctl):
                return None
            with LOCK:
                append("heartbeats.jsonl", json.dumps(json.loads(raw)))
            return self.answer(200, {"protected": True,
                                     "policy_etag": '"%s"' % ctl.get("etag", "v1"),
                                     "heartbeat_interval": ctl.get("heartbeat_interval", 30)})
        if self.path != "/api/v1/agents/events":
            return self.answer(404, {"code": "not_found", "message": self.path})
        raw = self.body(8 << 20)
        if not self.agent_ok(ctl):
            return None
        if raw is None:
            append("requests.log", "413 ?")
            return self.answer(413, {"code": "too_large", "message": "body above 8 MiB"})
        if ctl.get("events_status"):
            append("requests.log", "%d ?" % ctl["events_status"])
            return self.answer(ctl["events_status"], {"code": "unavailable", "message": "told to"})
        try:
            evs = json.loads(raw)["events"]
        except (ValueError, KeyError, TypeError):
            append("requests.log", "400 ?")
            return self.answer(400, {"code": "invalid", "message": "body: not {\"events\": [...]}"})
        if len(evs) > 5000:
            append("requests.log", "413 %d" % len(evs))
            return self.answer(413, {"code": "too_large", "message": "more than 5000 events"})
        for i, e in enumerate(evs):
            if not isinstance(e, dict) or not isinstance(e.get("id"), str) or e.get("poison"):
                append("requests.log", "400 %d" % len(evs))
                return self.answer(400, {"code": "invalid",
                                         "message": "events[%d]: field \"poison\": refused" % i})
        if ctl.get("delay_ms"):
            time.sleep(ctl["delay_ms"] / 1000.0)
        acc = dup = 0
        with LOCK:
            new = []
            for e in evs:
                if e["id"] in SEEN:
                    dup += 1
                else:
                    SEEN.add(e["id"])
                    new.append(e["id"])
                    acc += 1
            if new:
                with open(os.path.join(ARGS.state, "ids.txt"), "a") as f:
                    f.write("\n".join(new) + "\n")
                    f.flush()
            append("requests.log", "200 %d" % len(evs))
        return self.answer(200, {"accepted": acc, "duplicates": dup})


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--state", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--join-token", default="join-secret")
    p.add_argument("--agent-token", default="agent-secret")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    ARGS = p.parse_args()
    os.makedirs(ARGS.state, exist_ok=True)
    try:
        with open(os.path.join(ARGS.state, "ids.txt")) as f:
            SEEN.update(line.strip() for line in f if line.strip())
    except OSError:
        pass
    ThreadingHTTPServer.allow_reuse_address = True
    srv = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    srv.daemon_threads = True
    if ARGS.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.tls_cert, ARGS.tls_key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    if ARGS.port_file:
        tmp = ARGS.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % srv.server_address[1])
        os.rename(tmp, ARGS.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
