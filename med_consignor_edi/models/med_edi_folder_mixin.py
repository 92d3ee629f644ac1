import hashlib
import logging
import os
import stat

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import config

from medtrace import folders
from medtrace.folders import FolderError

from .edi_messages import INBOUND_TYPES

_logger = logging.getLogger(__name__)


class MedEdiFolderMixin(models.AbstractModel):
    """The folder channel of a consignor backend: an inbox read by the scheduled job and
    an outbox written to, both inside the EDI folder root the server configuration sets.
    Inherited by ``med.edi.backend``, which defines ``channel`` and the receiving and
    sending methods called here."""

    _name = "med.edi.folder.mixin"
    _description = "Consignor EDI Folder Channel"

    inbox_path = fields.Char(
        help="Folder read by the scheduled job (files are moved to "
        "processed/ or error/ below it), relative to the EDI folder "
        "root the server configuration sets (med_edi_folder_root)."
    )
    outbox_path = fields.Char(
        help="Folder outbound files are written to, relative to the EDI "
        "folder root the server configuration sets."
    )

    @api.constrains("channel", "inbox_path", "outbox_path")
    def _check_folders(self):
        for backend in self:
            if backend.channel == "folder" and (not backend.inbox_path or not backend.outbox_path):
                raise ValidationError(
                    _(
                        "Backend %(backend)s exchanges files through folders: "
                        "give its inbox and outbox.",
                        backend=backend.name,
                    )
                )
            for field in ("inbox_path", "outbox_path"):
                if backend[field]:
                    backend._edi_folder(field)

    def _edi_type_from_filename(self, filename):
        name = os.path.basename(filename).lower()
        for message_type in sorted(INBOUND_TYPES, key=len, reverse=True):
            if name.startswith(message_type):
                return message_type
        return False

    def _edi_folder_root(self):
        """The folder every folder channel lives in, set by the server configuration
        (``med_edi_folder_root``; default ``<data_dir>/med_edi/<database>``), resolved."""
        root = config.get("med_edi_folder_root") or os.path.join(
            config["data_dir"], "med_edi", self.env.cr.dbname
        )
        return folders.resolve_root(root)

    def _edi_folder(self, field):
        """The real path of the folder in ``field`` (inbox_path or outbox_path): relative
        to the root, or absolute inside it; symbolic links are resolved, and a folder
        that resolves outside the root is refused (ValidationError naming the field and
        value).  Called when the field is saved and again before each read or write."""
        self.ensure_one()
        value = (self[field] or "").strip()
        root = self._edi_folder_root()
        label = self._fields[field]._description_string(self.env)
        try:
            return folders.confine(root, value)
        except FolderError as error:
            if error.code != "folder_outside_root":
                raise ValidationError(
                    _(
                        "%(field)s of %(backend)s: %(value)r is not a folder.",
                        field=label,
                        backend=self.name,
                        value=value,
                    )
                ) from error
            raise ValidationError(
                _(
                    "%(field)s of %(backend)s: %(value)s is outside the EDI folder root %(root)s "
                    "set by the server configuration (med_edi_folder_root); give a folder inside "
                    "it, e.g. a path relative to it.",
                    field=label,
                    backend=self.name,
                    value=value,
                    root=root,
                )
            ) from error

    def _edi_open_folder(self, field, create=False):
        """A descriptor of the folder in ``field``, opened without following a symbolic
        link (the path checked by :meth:`_edi_folder` just before)."""
        path = self._edi_folder(field)
        if create:
            os.makedirs(path, mode=folders.FOLDER_MODE, exist_ok=True)
            path = self._edi_folder(field)
        return folders.open_folder(path)

    @staticmethod
    def _edi_subfolder(dir_fd, name):
        return folders.subfolder(dir_fd, name)

    def _edi_read_entry(self, dir_fd, entry):
        """(bytes or None when too large, size, checksum) of a regular file of the inbox,
        opened without following links; None for anything else."""
        try:
            fd = os.open(entry, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
        except OSError:
            return None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return None
        with os.fdopen(fd, "rb") as handle:
            limit = self._edi_limits().max_bytes
            data = handle.read(limit + 1)
            if len(data) <= limit:
                return data, len(data), None
            digest, size = hashlib.sha256(data), len(data)
            while chunk := handle.read(1024 * 1024):
                digest.update(chunk)
                size += len(chunk)
            return None, size, digest.hexdigest()

    def _edi_read_inbox(self):
        """Receive every file of the inbox, then move it to processed/ or error/."""
        self.ensure_one()
        exchanges = self.env["med.edi.exchange"]
        try:
            inbox = self._edi_open_folder("inbox_path")
        except (ValidationError, OSError) as exc:
            _logger.warning(
                "EDI backend %s: inbox %s not read: %s", self.name, self.inbox_path, exc
            )
            return exchanges
        try:
            for entry in sorted(os.listdir(inbox)):
                read = self._edi_read_entry(inbox, entry)
                if read is None:
                    continue
                data, size, checksum = read
                message_type = self._edi_type_from_filename(entry)
                if data is None:
                    exchange = self._edi_receive_refused(
                        message_type, entry, size, "folder", checksum=checksum
                    )
                else:
                    exchange = self._edi_receive(
                        data, message_type, filename=entry, channel="folder"
                    )
                if self.env.context.get("med_edi_commit"):
                    # the file leaves the inbox only once its exchange is stored for good
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                target = self._edi_subfolder(
                    inbox, "processed" if exchange.state in ("processed", "duplicate") else "error"
                )
                try:
                    os.replace(entry, entry, src_dir_fd=inbox, dst_dir_fd=target)
                finally:
                    os.close(target)
                exchanges |= exchange
        finally:
            os.close(inbox)
        return exchanges

    @api.model
    def _cron_folder_exchange(self):
        """Scheduled job: process the files received and left for the background (when
        queue_job is not installed), read the inboxes, generate scheduled confirmations,
        write the outbound files waiting in generated state."""
        self.env["med.edi.exchange"]._edi_process_received()
        backends = self.search([("channel", "=", "folder")])
        for backend in backends:
            backend._edi_read_inbox()
        self.env["stock.picking"]._edi_send_pending_confirmations()
        self.search([("send_logistics_status", "=", "scheduled")])._edi_send_logistics_status()
        pending = self.env["med.edi.exchange"].search(
            [
                ("direction", "=", "out"),
                ("state", "=", "generated"),
                ("backend_id.channel", "=", "folder"),
            ]
        )
        pending._edi_send()

    def _edi_folder_send(self, exchanges):
        """Write the generated outbound ``exchanges`` of this backend to its outbox and
        mark them sent; a file that cannot be written stays generated (the scheduled job
        tries again)."""
        self.ensure_one()
        if self.channel != "folder":
            return exchanges.browse()
        sent = exchanges.browse()
        for exchange in exchanges.filtered(
            lambda e: e.direction == "out" and e.state == "generated"
        ):
            try:
                self._edi_write_outbox(exchange.file_name, exchange.attachment_id.raw)
            except (OSError, ValidationError) as exc:
                _logger.warning("EDI exchange %s not written: %s", exchange.id, exc)
                continue
            exchange._edi_write({"state": "sent", "date": fields.Datetime.now()})
            sent |= exchange
        return sent

    def _edi_write_outbox(self, filename, data):
        """Write ``data`` as ``filename`` in the outbox (inside the EDI folder root; no
        symbolic link followed), through a ``.part`` file renamed when complete."""
        self.ensure_one()
        name = os.path.basename(filename or "")
        if name in ("", ".", ".."):
            raise OSError(f"not a file name: {filename!r}")
        outbox = self._edi_open_folder("outbox_path", create=True)
        try:
            folders.write_file(outbox, name, data)
        finally:
            os.close(outbox)
        return os.path.join(self._edi_folder("outbox_path"), name)
