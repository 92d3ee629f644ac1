import hashlib
import json

from odoo import fields, http
from odoo.exceptions import AccessError
from odoo.http import request
from werkzeug.exceptions import RequestEntityTooLarge

from medtrace.edi.message import Line, Message

from ..models.med_edi_backend import INBOUND_TYPES

#: what one read of a request body takes at most (the body is never held whole past the
#: backend's size limit)
_CHUNK = 1024 * 1024
#: ids beyond PostgreSQL's integer range are no backend (and no database error)
_MAX_ID = 2**31 - 1
FORBIDDEN = {"error": "forbidden"}


def _json(payload, status=200):
    body = json.dumps(payload, default=str, ensure_ascii=False)
    # whatever a client sent, the answer is valid UTF-8 (an unpaired surrogate is escaped)
    body = body.encode("utf-8", "backslashreplace")
    return request.make_response(
        body, headers=[("Content-Type", "application/json; charset=utf-8")], status=status
    )


def _read_limited(stream, limit):
    """(bytes or None, size, checksum or None) of ``stream``: its bytes when they are at
    most ``limit``; otherwise None, with the size and SHA-256 of what was sent, read chunk
    by chunk and thrown away (never held whole)."""
    data = stream.read(limit + 1)
    if len(data) <= limit:
        return data, len(data), None
    digest, size = hashlib.sha256(data), len(data)
    del data
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return None, size, digest.hexdigest()


class MedEdiController(http.Controller):
    """Consignors post their messages and read their stock with an API key
    (``Authorization: Bearer <key>``) of the user bound to their backend."""

    def _backend(self, backend_id):
        """The backend, if the authenticated user is its API user (else None): the same
        for another consignor's backend, an archived one and an id that does not exist."""
        if not 0 < backend_id <= _MAX_ID:
            return None
        user = request.env.user
        backend = (
            request.env["med.edi.backend"]
            .sudo()
            .search([("id", "=", backend_id), ("api_user_id", "=", user.id)], limit=1)
        )
        if not backend:
            return None
        try:
            backend.with_user(user).check_access("read")
        except AccessError:
            return None
        return backend.with_user(user)

    def _read_body(self, limit):
        """(bytes or None when too large, size, checksum, file name) of the posted file:
        a multipart ``file`` part (read up to ``limit`` + 1 bytes from the part Odoo
        spooled), or the raw body: refused from its Content-Length when that is over the
        limit, otherwise read with the request limited to ``limit`` bytes."""
        httprequest = request.httprequest
        filename = httprequest.args.get("filename")
        if httprequest.mimetype == "multipart/form-data":
            upload = httprequest.files.get("file")
            if upload is None:
                return b"", 0, None, filename
            data, size, checksum = _read_limited(upload.stream, limit)
            return data, size, checksum, upload.filename or filename
        length = httprequest.content_length
        if length is not None and length > limit:
            return None, length, None, filename
        httprequest.max_content_length = limit
        try:
            data = httprequest.get_data(cache=False)
        except RequestEntityTooLarge:
            return None, length or limit + 1, None, filename
        if len(data) > limit:
            return None, len(data), None, filename
        return data, len(data), None, filename

    @http.route(
        "/med_edi/<int:backend_id>/<string:message_type>",
        type="http",
        auth="bearer",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def post_message(self, backend_id, message_type, **kwargs):
        backend = self._backend(backend_id)
        if backend is None:
            return _json(FORBIDDEN, 403)
        if message_type not in INBOUND_TYPES:
            return _json({"error": "unknown_type", "expected": INBOUND_TYPES}, 404)
        backend = backend.sudo()
        data, size, checksum, filename = self._read_body(backend._edi_limits().max_bytes)
        filename = filename or "api"
        if data is None:
            exchange = backend._edi_receive_refused(
                message_type, filename, size, "http", checksum=checksum
            )
            return _json(exchange._edi_api_result(), 413)
        # a large file is stored and answered at once (202, state received), processed in
        # the background: the client polls GET /med_edi/<backend>/exchange/<id>
        exchange = backend._edi_receive_http(data, message_type, filename=filename)
        status = {"error": 422, "received": 202}.get(exchange.state, 200)
        if "not_stored" in exchange.sudo().problem_ids.mapped("code"):
            status = 503  # the server's fault: the sender sends it again later
        return _json(exchange._edi_api_result(), status)

    @http.route(
        "/med_edi/<int:backend_id>/exchange/<int:exchange_id>",
        type="http",
        auth="bearer",
        methods=["GET"],
        save_session=False,
        readonly=True,
    )
    def exchange_status(self, backend_id, exchange_id, **kwargs):
        """State, progress and problems of an exchange of the backend (403 otherwise)."""
        backend = self._backend(backend_id)
        if backend is None or not 0 < exchange_id <= _MAX_ID:
            return _json(FORBIDDEN, 403)
        exchange = request.env["med.edi.exchange"].search(
            [("id", "=", exchange_id), ("backend_id", "=", backend.id)], limit=1
        )
        if not exchange:
            return _json(FORBIDDEN, 403)
        return _json(exchange._edi_api_result())

    @http.route(
        "/med_edi/<int:backend_id>/outbox",
        type="http",
        auth="bearer",
        methods=["GET"],
        save_session=False,
        readonly=True,
    )
    def outbox(self, backend_id, **kwargs):
        """The outbound files of the backend waiting to be pulled (generated, not sent):
        acknowledgements and messages of a backend whose channel is HTTP."""
        backend = self._backend(backend_id)
        if backend is None:
            return _json(FORBIDDEN, 403)
        exchanges = request.env["med.edi.exchange"].search(
            [
                ("backend_id", "=", backend.id),
                ("direction", "=", "out"),
                ("state", "=", "generated"),
            ],
            order="id",
        )
        return _json({"exchanges": [e._edi_api_outbox_item() for e in exchanges]})

    @http.route(
        "/med_edi/<int:backend_id>/exchange/<int:exchange_id>/file",
        type="http",
        auth="bearer",
        methods=["GET"],
        save_session=False,
    )
    def exchange_file(self, backend_id, exchange_id, **kwargs):
        """The file of an outbound exchange of the backend (403 otherwise), marked sent
        when pulled for the first time."""
        backend = self._backend(backend_id)
        if backend is None or not 0 < exchange_id <= _MAX_ID:
            return _json(FORBIDDEN, 403)
        exchange = request.env["med.edi.exchange"].search(
            [
                ("id", "=", exchange_id),
                ("backend_id", "=", backend.id),
                ("direction", "=", "out"),
                ("state", "in", ("generated", "sent")),
            ],
            limit=1,
        )
        if not exchange:
            return _json(FORBIDDEN, 403)
        data = exchange.sudo().attachment_id.raw or b""
        if exchange.state == "generated":
            exchange._edi_write({"state": "sent", "date": fields.Datetime.now()})
        filename = (exchange.file_name or f"{exchange.id}.edi").replace('"', "")
        return request.make_response(
            data,
            headers=[
                ("Content-Type", "application/octet-stream"),
                ("Content-Disposition", f'attachment; filename="{filename}"'),
            ],
        )

    @http.route(
        "/med_edi/<int:backend_id>/stock_status",
        type="http",
        auth="bearer",
        methods=["GET"],
        save_session=False,
        readonly=True,
    )
    def stock_status(self, backend_id, at=None, **kwargs):
        backend = self._backend(backend_id)
        if backend is None:
            return _json(FORBIDDEN, 403)
        try:
            when = fields.Datetime.to_datetime(at) if at else None
        except ValueError:
            return _json(
                {"error": "bad_time", "value": at, "expected": "YYYY-MM-DD HH:MM:SS (UTC)"}, 400
            )
        backend = backend.sudo()
        lines = backend._edi_stock_status_lines(at=when)
        message = Message(
            "stock_status",
            backend._edi_header(),
            [Line(number, values) for number, values in enumerate(lines, 1)],
        )
        return _json(message.as_dict())
