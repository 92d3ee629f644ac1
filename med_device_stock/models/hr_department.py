from odoo import api, fields, models


class HrDepartment(models.Model):
    _inherit = "hr.department"

    med_is_device_department = fields.Boolean(
        string="Uses Medical Devices",
        help="The department receives device units; it gets its own sub-store location.",
    )
    med_location_id = fields.Many2one(
        "stock.location",
        string="Device Sub-store",
        domain="[('usage', '=', 'internal')]",
        check_company=True,
        help="Internal location holding the units issued or lent to this department.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        departments = super().create(vals_list)
        departments._med_ensure_location()
        return departments

    def write(self, vals):
        res = super().write(vals)
        if vals.get("med_is_device_department") or "med_location_id" in vals:
            self._med_ensure_location()
        return res

    def _med_ensure_location(self):
        """Create the sub-store of device departments that have none, under the stock location
        of their company's warehouse; a selected location makes it a device department."""
        for department in self:
            if department.med_location_id and not department.med_is_device_department:
                department.med_is_device_department = True
            if department.med_is_device_department and not department.med_location_id:
                company = department.company_id or self.env.company
                warehouse = company._med_warehouse()
                department.med_location_id = (
                    self.env["stock.location"]
                    .sudo()
                    .create(
                        {
                            "name": department.name,
                            "usage": "internal",
                            "location_id": warehouse.lot_stock_id.id,
                            "company_id": company.id,
                        }
                    )
                )

    @api.model
    def _med_from_locations(self, locations):
        """``{location: department}``: the device department whose sub-store (the
        nearest one) holds each of ``locations``, in one search; locations outside every
        sub-store are left out."""
        if not locations:
            return {}
        departments = self.sudo().search([("med_location_id", "parent_of", locations.ids)])
        found = {}
        for location in locations:
            holders = departments.filtered(
                lambda d, loc=location: loc.parent_path.startswith(d.med_location_id.parent_path)
            )
            if holders:
                found[location] = max(
                    holders, key=lambda d: len(d.med_location_id.parent_path)
                ).sudo(False)
        return found

    def _med_from_location(self, location):
        """The device department whose sub-store (the nearest one) holds ``location``
        (or empty)."""
        return self._med_from_locations(location).get(location, self.browse())
