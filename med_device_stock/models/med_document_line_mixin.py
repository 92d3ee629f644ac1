from odoo import _, api, models
from odoo.exceptions import UserError

from .med_device_operation_mixin import FINAL_WRITABLE_PREFIXES, is_system_write


class MedDocumentLineMixin(models.AbstractModel):
    """The lines of a device document are final with it: once the document is done or
    cancelled (``_med_is_final``), no line is added, written or deleted, by any user
    (superuser included); only the workflow's own writes (``SYSTEM_WRITE``) are."""

    _name = "med.document.line.mixin"
    _description = "Line of a Device Document"
    #: the line's Many2one to its document
    _med_document_field = False

    def _med_check_documents_open(self, documents):
        for document in documents:
            if document._med_is_final():
                raise UserError(
                    _(
                        "%(document)s is %(state)s: it is final and its lines (%(lines)s) "
                        "cannot be added, changed or deleted. A mistake is corrected by a "
                        "correcting document (Correct).",
                        document=document.display_name,
                        state=document._med_state_label(),
                        lines=self._description,
                    )
                )

    def _med_documents(self, vals=None):
        documents = self[self._med_document_field]
        if vals and vals.get(self._med_document_field):
            comodel = self._fields[self._med_document_field].comodel_name
            documents |= self.env[comodel].browse(vals[self._med_document_field])
        return documents

    @api.model_create_multi
    def create(self, vals_list):
        if not is_system_write(self.env):
            comodel = self.env[self._fields[self._med_document_field].comodel_name]
            ids = {vals.get(self._med_document_field) for vals in vals_list} - {None, False}
            self._med_check_documents_open(comodel.browse(sorted(ids)))
        return super().create(vals_list)

    def write(self, vals):
        if not is_system_write(self.env) and any(
            not fname.startswith(FINAL_WRITABLE_PREFIXES) for fname in vals
        ):
            self.check_access("write")
            self._med_check_documents_open(self._med_documents(vals))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_final_document(self):
        if not is_system_write(self.env):
            self._med_check_documents_open(self._med_documents())
