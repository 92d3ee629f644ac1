import json

from odoo import fields, http
from odoo.exceptions import AccessError
from odoo.http import request

from medtrace.edi.message import Line, Message

from ..models.med_edi_backend import INBOUND_TYPES


def _json(payload, status=200):
    return request.make_response(
        json.dumps(payload, default=str, ensure_ascii=False),
        headers=[("Content-Type", "application/json; charset=utf-8")], status=status)


class MedEdiController(http.Controller):
    """Consignors post their messages and read their stock with an API key
    (``Authorization: Bearer <key>``) of the user bound to their backend."""

    def _backend(self, backend_id):
        """The backend, if the authenticated user is its API user (else None)."""
        backend = request.env["med.edi.backend"].browse(backend_id)
        try:
            backend.check_access("read")
            if not backend.exists() or backend.api_user_id != request.env.user:
                return None
        except AccessError:
            return None
        return backend

    @http.route("/med_edi/<int:backend_id>/<string:message_type>", type="http", auth="bearer",
                methods=["POST"], csrf=False, save_session=False)
    def post_message(self, backend_id, message_type, **kwargs):
        backend = self._backend(backend_id)
        if backend is None:
            return _json({"error": "forbidden"}, 403)
        if message_type not in INBOUND_TYPES:
            return _json({"error": "unknown_type", "expected": INBOUND_TYPES}, 404)
        upload = request.httprequest.files.get("file")
        data = upload.read() if upload else request.httprequest.get_data()
        filename = (upload.filename if upload else None) or kwargs.get("filename") or "api"
        exchange = backend.sudo()._edi_receive(data, message_type, filename=filename,
                                               channel="http")
        return _json(exchange._edi_api_result(), 200 if exchange.state != "error" else 422)

    @http.route("/med_edi/<int:backend_id>/stock_status", type="http", auth="bearer",
                methods=["GET"], save_session=False, readonly=True)
    def stock_status(self, backend_id, at=None, **kwargs):
        backend = self._backend(backend_id)
        if backend is None:
            return _json({"error": "forbidden"}, 403)
        try:
            when = fields.Datetime.to_datetime(at) if at else None
        except ValueError:
            return _json({"error": "bad_time", "value": at,
                          "expected": "YYYY-MM-DD HH:MM:SS (UTC)"}, 400)
        backend = backend.sudo()
        lines = backend._edi_stock_status_lines(at=when)
        message = Message("stock_status", backend._edi_header(),
                          [Line(number, values) for number, values in enumerate(lines, 1)])
        return _json(message.as_dict())

