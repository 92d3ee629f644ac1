"""A JSON-RPC client of Odoo's external API, for the attack tests."""

import requests

TIMEOUT = 120


class RpcError(Exception):
    """An error answered by Odoo's JSON-RPC: its exception class and message."""

    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


class Client:
    """One user's JSON-RPC session (``/jsonrpc``, the external API)."""

    def __init__(self, url, db, uid, password):
        self.url, self.db, self.uid, self.password = url, db, uid, password

    def call(self, model, method, *args, **kwargs):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [self.db, self.uid, self.password, model, method, list(args), kwargs],
            },
        }
        response = requests.post(f"{self.url}/jsonrpc", json=payload, timeout=TIMEOUT)
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            data = body["error"].get("data") or {}
            raise RpcError(data.get("name", "?"), data.get("message", body["error"]))
        return body["result"]

    def read(self, model, record_id, fields):
        rows = self.call(model, "read", [record_id], fields)
        return rows[0] if rows else None
