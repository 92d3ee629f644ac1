from odoo import models

from medtrace.edi.eancom import STREET_JOIN

#: the delivery party (NAD 3035) whose address a sales order ships to
DELIVERY_PARTY = "DP"


class MedEdiHandlerSalesOrderIn(models.AbstractModel):
    """Inbound sales order (销售订单): the consignor's goods shipped from our stock to its
    customer (a hospital named by its reference), at the delivery address the order
    gives."""

    _name = "med.edi.handler.sales_order.in"
    _inherit = ["med.edi.handler.transfer"]
    _description = "Consignor EDI: Sales Order Received"
    _edi_message_type = "sales_order"
    _edi_direction = "in"
    _edi_outgoing = True

    def _edi_process(self, exchange, message, found):
        """Shipped to the order's delivery address: a delivery contact of the customer
        (found, else created), the customer itself when the order gives none."""
        delivery = self._edi_delivery_contact(found["customer"], message)
        return super()._edi_process(exchange, message, {**found, "customer": delivery})

    def _edi_delivery_contact(self, customer, message):
        """The customer's delivery contact at the message's delivery address (same
        street, city, postcode, region and country), else the customer itself when it is
        its own address, else a new delivery contact of the customer."""
        values = self._edi_delivery_values(message)
        if not values:
            return customer
        keys = ("street", "street2", "city", "zip", "state_id", "country_id")
        Partner = self.env["res.partner"].sudo()
        domain = [("parent_id", "=", customer.id), ("type", "=", "delivery")]
        contact = Partner.search(domain + [(key, "=", values[key]) for key in keys], limit=1)
        if contact:
            return contact
        if all(
            (customer[key].id if key.endswith("_id") else customer[key]) == values[key]
            for key in keys
        ):
            return customer
        name = message.header.get("customer_name")
        return Partner.create(
            {
                **values,
                "parent_id": customer.id,
                "type": "delivery",
                "name": name if name and name != customer.name else False,
                "company_id": customer.company_id.id,
            }
        )

    def _edi_delivery_values(self, message):
        """res.partner address values of the message's delivery address: the delivery
        party's structured address (EDIFACT NAD+DP: street lines, city, region,
        postcode, country), else the delivery address text as the street; {} when the
        message gives none."""
        header = message.header
        extra = header.get("extra") if isinstance(header.get("extra"), dict) else {}

        def part(name):
            value = extra.get(f"NAD+{DELIVERY_PARTY} {name}") or ""
            value = value[0] if isinstance(value, list) and value else value
            return str(value or "").strip()

        lines = [line.strip() for line in part("street").split(STREET_JOIN) if line.strip()]
        if lines or part("city") or part("postcode"):
            values = {
                "street": lines[0] if lines else False,
                "street2": STREET_JOIN.join(lines[1:]) or False,
                "city": part("city") or False,
                "zip": part("postcode") or False,
            }
        elif str(header.get("delivery_address") or "").strip():
            text = str(header["delivery_address"]).strip()
            values = {"street": text, "street2": False, "city": False, "zip": False}
        else:
            return {}
        country = self.env["res.country"]
        if part("country"):
            country = country.search([("code", "=", part("country").upper())], limit=1)
        state = self.env["res.country.state"]
        if country and part("region"):
            state = state.search(
                [("country_id", "=", country.id), ("code", "=", part("region"))], limit=1
            )
        values.update({"country_id": country.id or False, "state_id": state.id or False})
        return values
