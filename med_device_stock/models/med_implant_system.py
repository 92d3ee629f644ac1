from odoo import fields, models


class MedImplantSystem(models.Model):
    """An implant system (植入系统): the manufacturer's family of components made to be
    implanted together (a hip system's stems, heads and cups, a spine system's screws and
    rods).  A product names its system; one that must not be mixed with another system's
    implants says so (``med_implant_system_only``), and a surgery case warns at close-out
    when it is (``med.surgery.case``, ``_med_compat_warning``)."""

    _name = "med.implant.system"
    _description = "Implant System"
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Empty: the system is known to every hospital of the database.",
    )
    manufacturer_id = fields.Many2one("res.partner")
    active = fields.Boolean(default=True)
    note = fields.Text(help="What the manufacturer says of the system's compatibility.")
    product_tmpl_ids = fields.One2many(
        "product.template", "med_implant_system_id", string="Components", readonly=True
    )

    _sql_constraints = [
        (
            "name_company_unique",
            "unique(name, company_id)",
            "An implant system's name is used once per company.",
        ),
    ]
