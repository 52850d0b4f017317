#!/usr/bin/env python3
"""eline webhook receiver (docs/notifications.md): verify, refuse stale calls, handle each once."""
import hashlib, hmac, json, os, time
from http.server import BaseHTTPRequestHandler, HTTPServer

SECRET = os.environ["ELINE_WEBHOOK_SECRET"].encode()
seen = set()  # delivery ids handled; keep them in a database in production

class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        ts, sig = self.headers.get("X-Eline-Timestamp", ""), self.headers.get("X-Eline-Signature", "")
        mac = hmac.new(SECRET, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        if not ts.isdigit() or abs(time.time() - int(ts)) > 300 or not hmac.compare_digest("v1=" + mac, sig):
            self.send_response(401); self.end_headers(); return
        delivery = self.headers["X-Eline-Delivery"]
        if delivery not in seen:
            seen.add(delivery)
            msg = json.loads(body)  # here: send msg["text"] to msg["recipient"]["phone"] by SMS/WeChat
            print(json.dumps(msg, ensure_ascii=False), flush=True)
        self.send_response(200); self.end_headers()

server = HTTPServer(("127.0.0.1", int(os.environ.get("PORT", "8090"))), Hook)
print("listening on port", server.server_address[1], flush=True)
server.serve_forever()
