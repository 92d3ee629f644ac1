from odoo import api, fields, models

#: the case's field holding each message
MESSAGE_FIELDS = {"dft": "his_dft_message", "fhir": "his_fhir_bundle"}


class MedSurgeryCaseHisMixin(models.AbstractModel):
    """The sending of a closed case's HIS messages (on the mixin the surgery case takes
    its messages from): at close-out, one pending exchange per active HIS backend of the
    case's company and message it takes; the scheduled job sends them afterwards, never
    within the close-out (a HIS that is down does not hold the close-out up)."""

    _inherit = "med.surgery.case.his.mixin"

    his_exchange_ids = fields.One2many(
        "med.his.exchange", "case_id", string="HIS Exchanges", readonly=True
    )
    his_exchange_count = fields.Integer(compute="_compute_his_exchange_count")
    his_exchange_problem = fields.Boolean(
        compute="_compute_his_exchange_count",
        help="A message of the case is in error or failed.",
    )

    @api.depends("his_exchange_ids.state")
    def _compute_his_exchange_count(self):
        for case in self:
            case.his_exchange_count = len(case.his_exchange_ids)
            case.his_exchange_problem = any(
                state in ("error", "failed") for state in case.his_exchange_ids.mapped("state")
            )

    def _med_write_his_messages(self):
        result = super()._med_write_his_messages()
        self._med_his_queue_exchanges()
        return result

    def _med_his_queue_exchanges(self):
        """One pending exchange per active backend of the case's company and message
        written, the scheduled job triggered to send them once the close-out is saved."""
        Exchange = self.env["med.his.exchange"]
        vals_list = []
        for case in self:
            backends = (
                self.env["med.his.backend"].sudo().search([("company_id", "=", case.company_id.id)])
            )
            for backend in backends:
                for message_type in backend._med_his_message_types():
                    payload = case[MESSAGE_FIELDS[message_type]]
                    if not payload:
                        continue
                    vals_list.append(
                        {
                            "case_id": case.id,
                            "backend_id": backend.id,
                            "message_type": message_type,
                            "payload": payload,
                        }
                    )
        if not vals_list:
            return Exchange
        exchanges = Exchange._med_his_system_create(vals_list)
        Exchange._med_his_trigger()
        return exchanges

    def action_view_his_exchanges(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "med_device_stock.med_his_exchange_action"
        )
        action["domain"] = [("case_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
