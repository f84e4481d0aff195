"""A tiny OpenAI-compatible chat-completions server for the extraction tests.

It listens on 127.0.0.1 on a free port, answers `POST /v1/chat/completions`
with what the test scripted (a JSON payload as the assistant's message, an
HTTP error, or a delay), and records every request it received. This is the
only stand-in of the project: the real `openai` client talks to it over HTTP.

    with LlmStubServer() as stub:
        stub.reply_json({"gas.pce": "GI123456"})
        config = LlmConfig(api_key="test", base_url=stub.base_url, timeout=2)
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LlmStubServer:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self._mode = ("json", {})
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server API
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                try:
                    payload = json.loads(body or b"{}")
                except json.JSONDecodeError:
                    payload = {}
                with stub._lock:
                    stub.requests.append({"path": self.path, "body": payload,
                                          "authorization": self.headers.get("Authorization")})
                    mode, arg = stub._mode
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    return self._send(404, {"error": {"message": "not found"}})
                if mode == "status":
                    return self._send(arg, {"error": {"message": "scripted failure", "type": "server_error"}})
                if mode == "delay":
                    delay, content = arg
                    time.sleep(delay)
                    return self._send(200, _completion(payload, content))
                return self._send(200, _completion(payload, json.dumps(arg, ensure_ascii=False)))

            def _send(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout): nothing to answer

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def reply_json(self, content: dict) -> None:
        """Answer every request with `content` as the assistant's JSON message."""
        with self._lock:
            self._mode = ("json", content)

    def reply_status(self, status: int) -> None:
        with self._lock:
            self._mode = ("status", status)

    def reply_after(self, delay: float, content: dict) -> None:
        with self._lock:
            self._mode = ("delay", (delay, json.dumps(content)))

    def start(self) -> "LlmStubServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "LlmStubServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _completion(request: dict, content: str) -> dict:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "stub"),
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }
