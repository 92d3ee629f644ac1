from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    med_is_device = fields.Boolean(string="Medical Device")
    med_device_class = fields.Selection(
        [("I", "Class I"), ("II", "Class II"), ("III", "Class III")], string="Device Class"
    )
    med_implantable = fields.Boolean(string="Implantable")
    med_high_value = fields.Boolean(string="High-Value Device")
    med_issuing_agency = fields.Selection(
        [("gs1", "GS1"), ("hibcc", "HIBCC"), ("iccbba", "ICCBBA"), ("maidcode", "MA Code")],
        string="UDI Issuing Agency",
        default="gs1",
    )
    med_storage_conditions = fields.Char(string="Storage Conditions")
    med_model = fields.Char(string="Model")
    med_specification = fields.Char(string="Specification")
    med_registration_number = fields.Char(string="Registration Number")
    med_manufacturer_id = fields.Many2one("res.partner", string="Manufacturer")
    med_min_shelf_life_days = fields.Integer(
        string="Minimum Remaining Shelf Life (days)",
        help="At receipt, units expiring sooner are refused. 0: the company's setting.",
    )
    med_udi_di_ids = fields.One2many(
        "med.product.di", "product_tmpl_id", string="UDI Device Identifiers"
    )
    med_expiry_alert_days = fields.Char(
        string="Near-expiry Alerts (days)",
        help="Days before expiry at which units of this device are alerted, e.g. 90,60,30. "
        "Empty: its category's setting, else the system default.",
    )

    def _med_required_tracking(self):
        self.ensure_one()
        if not self.med_is_device:
            return False
        return "serial" if (self.med_implantable or self.med_high_value) else "lot"

    @api.onchange("med_is_device", "med_implantable", "med_high_value")
    def _onchange_med_tracking(self):
        for template in self:
            tracking = template._med_required_tracking()
            if tracking:
                template.is_storable = True
                template.tracking = tracking

    @api.constrains("med_is_device", "med_implantable", "med_high_value", "tracking")
    def _check_med_tracking(self):
        for template in self:
            tracking = template._med_required_tracking()
            if tracking and template.tracking != tracking:
                raise ValidationError(
                    _(
                        "Device %(product)s must be tracked by %(tracking)s "
                        "(implantable and high-value devices by serial number, other "
                        "devices by lot), not by %(current)s.",
                        product=template.display_name,
                        tracking=tracking,
                        current=template.tracking,
                    )
                )

    @api.constrains("med_expiry_alert_days")
    def _check_med_expiry_alert_days(self):
        from .med_alert import check_alert_days  # pylint: disable=import-outside-toplevel

        check_alert_days(self)

    def _med_min_shelf_life(self, company):
        self.ensure_one()
        return self.med_min_shelf_life_days or company.med_min_shelf_life_days
