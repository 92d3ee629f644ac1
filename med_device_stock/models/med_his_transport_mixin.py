import os
from dataclasses import dataclass

import requests
from odoo import _, models
from odoo.exceptions import ValidationError
from odoo.tools import config

from medtrace import folders
from medtrace.folders import FolderError
from medtrace.his import read_ack

#: the Content-Type of each message posted
CONTENT_TYPES = {
    "dft": "application/hl7-v2; charset=utf-8",
    "fhir": "application/fhir+json",
}
#: the name ending of each message's file in a folder
EXTENSIONS = {"dft": "hl7", "fhir": "json"}
#: seconds a request waits for the HIS (to connect, then between bytes of its answer)
TIMEOUT = 10
#: bytes of the HIS's answer kept on the exchange
MAX_ANSWER = 16 * 1024


@dataclass
class Outcome:
    """What one attempt at sending a message gave."""

    sent: bool
    error: str = ""
    http_status: int = 0
    answer: str = ""
    file_name: str = ""


class MedHisTransportMixin(models.AbstractModel):
    """How a HIS backend sends one message: posted to its URL, or written as a file in
    its folder (inside the HIS folder root).  Inherited by ``med.his.backend``, which
    defines ``transport``, ``url``, ``auth_header`` and ``folder_path``."""

    _name = "med.his.transport.mixin"
    _description = "HIS Backend Transport"

    # ------------------------------------------------------------------ folder
    def _med_his_folder_root(self):
        """The folder every HIS folder backend writes in, set by the server configuration
        (``med_his_folder_root``; default ``<data_dir>/med_his/<database>``), resolved."""
        root = config.get("med_his_folder_root") or os.path.join(
            config["data_dir"], "med_his", self.env.cr.dbname
        )
        return folders.resolve_root(root)

    def _med_his_folder(self):
        """The real path of the backend's folder inside the HIS folder root (links
        resolved); a folder resolving outside the root is refused, naming the field and
        the value.  Checked when saved and again before each file is written."""
        self.ensure_one()
        value = (self.folder_path or "").strip()
        root = self._med_his_folder_root()
        label = self._fields["folder_path"]._description_string(self.env)
        try:
            return folders.confine(root, value)
        except FolderError as error:
            if error.code != "folder_outside_root":
                raise ValidationError(
                    _(
                        "%(field)s of HIS backend %(backend)s: %(value)r is not a folder.",
                        field=label,
                        backend=self.name,
                        value=value,
                    )
                ) from error
            raise ValidationError(
                _(
                    "%(field)s of HIS backend %(backend)s: %(value)s is outside the HIS folder "
                    "root %(root)s set by the server configuration (med_his_folder_root); give "
                    "a folder inside it, e.g. a path relative to it.",
                    field=label,
                    backend=self.name,
                    value=value,
                    root=root,
                )
            ) from error

    def _med_his_write_file(self, name, data):
        """Write ``data`` as the new file ``name`` in the backend's folder, through a
        temporary file, never replacing a file there nor following a link."""
        path = self._med_his_folder()
        os.makedirs(path, mode=folders.FOLDER_MODE, exist_ok=True)
        path = self._med_his_folder()
        dir_fd = folders.open_folder(path)
        try:
            folders.write_file(dir_fd, name, data, overwrite=False)
        except FolderError as error:
            raise ValidationError(
                _(
                    "The file %(file)s already exists in the folder %(folder)s of HIS backend "
                    "%(backend)s: it is not overwritten.",
                    file=name,
                    folder=path,
                    backend=self.name,
                )
            ) from error
        finally:
            os.close(dir_fd)
        return os.path.join(path, name)

    def _med_his_send_file(self, exchange):
        try:
            path = self._med_his_write_file(
                exchange._med_his_file_name(), exchange.payload.encode("utf-8")
            )
        except ValidationError as error:
            return Outcome(False, error=error.args[0])
        except OSError as error:
            return Outcome(
                False,
                error=_(
                    "The file of %(exchange)s could not be written in the folder %(folder)s: "
                    "%(error)s",
                    exchange=exchange.display_name,
                    folder=self.folder_path,
                    error=error.strerror or str(error),
                ),
            )
        return Outcome(True, file_name=path)

    # ------------------------------------------------------------------ http
    @staticmethod
    def _med_his_read_answer(response):
        """The first :data:`MAX_ANSWER` bytes of the answer, as text (the rest is not
        read)."""
        data = b""
        for chunk in response.iter_content(4096):
            data += chunk
            if len(data) >= MAX_ANSWER:
                break
        # the charset the HIS declares, else UTF-8 (not HTTP's ISO-8859-1 default for text/*)
        declared = response.headers.get("Content-Type", "").partition("charset=")[2]
        charset = declared.split(";")[0].strip().strip('"') or "utf-8"
        try:
            return data[:MAX_ANSWER].decode(charset, errors="replace")
        except LookupError:
            return data[:MAX_ANSWER].decode("utf-8", errors="replace")

    def _med_his_post(self, exchange):
        url = self._med_his_check_url()
        headers = {
            "Content-Type": CONTENT_TYPES[exchange.message_type],
            "Accept": "application/fhir+json"
            if exchange.message_type == "fhir"
            else "application/hl7-v2, text/plain",
        }
        auth = (self.sudo().auth_header or "").strip()
        if auth:
            headers["Authorization"] = auth
        try:
            with requests.post(
                url,
                data=exchange.payload.encode("utf-8"),
                headers=headers,
                timeout=TIMEOUT,
                allow_redirects=False,
                stream=True,
            ) as response:
                answer = self._med_his_read_answer(response)
                status = response.status_code
        except requests.RequestException as error:
            return Outcome(
                False,
                error=_(
                    "HIS backend %(backend)s: %(url)s did not answer: %(error)s",
                    backend=self.name,
                    url=url,
                    error=str(error),
                ),
            )
        if not 200 <= status < 300:
            return Outcome(
                False,
                http_status=status,
                answer=answer,
                error=_(
                    "HIS backend %(backend)s answered HTTP %(status)s.",
                    backend=self.name,
                    status=status,
                ),
            )
        ack = read_ack(answer) if exchange.message_type == "dft" else None
        if ack is not None and not ack.accepted:
            return Outcome(
                False,
                http_status=status,
                answer=answer,
                error=_(
                    "HIS backend %(backend)s did not accept the message (MSA-1 %(code)s): %(text)s",
                    backend=self.name,
                    code=ack.code,
                    text=ack.text or "-",
                ),
            )
        return Outcome(True, http_status=status, answer=answer)

    # ------------------------------------------------------------------ either
    def _med_his_transmit(self, exchange):
        """One attempt at sending ``exchange`` through this backend: an :class:`Outcome`
        (what went wrong is told, never raised)."""
        self.ensure_one()
        if self.transport == "folder":
            return self._med_his_send_file(exchange)
        try:
            return self._med_his_post(exchange)
        except ValidationError as error:  # the URL, changed since the exchange was made
            return Outcome(False, error=error.args[0])
