from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


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
    med_his_charge_code = fields.Char(
        string="HIS Charge Code",
        index="btree_not_null",
        help="The item code the hospital information system charges this device under "
        "(收费编码); the charges it sends are matched with the scans by it.",
    )
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
    med_implant_system_id = fields.Many2one(
        "med.implant.system",
        string="Implant System",
        index="btree_not_null",
        help="The manufacturer's system the component belongs to (its stems, heads and "
        "cups, screws and rods made to be implanted together).",
    )
    med_implant_system_only = fields.Boolean(
        string="Only with Its Own System",
        help="The component must not be implanted with another system's components: a "
        "surgery case implanting them together warns at close-out and asks for the "
        "nurse's confirmation.",
    )

    def write(self, vals):
        if "med_is_device" in vals or "tracking" in vals:
            self._med_check_units_keep_device(vals)
        return super().write(vals)

    def _med_check_units_keep_device(self, vals):
        """A device product with units stays a device, tracked as it is, whoever writes
        it (superuser included): else the units made by hand (without a device
        identifier) would lose the protection of their identity and dates, and a
        serial unit would become a lot or the reverse."""
        changed = self.filtered(
            lambda tmpl: (
                tmpl.med_is_device
                and (
                    ("med_is_device" in vals and not vals["med_is_device"])
                    or ("tracking" in vals and vals["tracking"] != tmpl.tracking)
                )
            )
        )
        if not changed:
            return
        groups = (
            self.env["stock.lot"]
            .sudo()
            .with_context(active_test=False)
            ._read_group(
                [("product_id.product_tmpl_id", "in", changed.ids)], ["product_id"], ["__count"]
            )
        )
        units = {}
        for product, count in groups:
            units[product.product_tmpl_id] = units.get(product.product_tmpl_id, 0) + count
        for template in changed:
            count = units.get(template)
            if not count:
                continue
            if "med_is_device" in vals and not vals["med_is_device"]:
                raise UserError(
                    _(
                        "%(product)s has %(count)s units: it stays a medical device (the "
                        "identity and dates of its units stay protected).",
                        product=template.display_name,
                        count=count,
                    )
                )
            labels = dict(self._fields["tracking"]._description_selection(self.env))
            raise UserError(
                _(
                    "%(product)s has %(count)s units: its tracking (%(tracking)s) cannot be "
                    "changed to %(new)s.",
                    product=template.display_name,
                    count=count,
                    tracking=labels.get(template.tracking, template.tracking),
                    new=labels.get(vals["tracking"], vals["tracking"]),
                )
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

    @api.constrains("med_implant_system_id", "med_implant_system_only")
    def _check_med_implant_system_only(self):
        for template in self:
            if template.med_implant_system_only and not template.med_implant_system_id:
                raise ValidationError(
                    _(
                        "%(product)s: Only with Its Own System needs its Implant System.",
                        product=template.display_name,
                    )
                )

    @api.constrains("med_expiry_alert_days")
    def _check_med_expiry_alert_days(self):
        from .med_alert import check_alert_days  # pylint: disable=import-outside-toplevel

        check_alert_days(self)

    def _med_min_shelf_life(self, company):
        self.ensure_one()
        return self.med_min_shelf_life_days or company.med_min_shelf_life_days
