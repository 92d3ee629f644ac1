"""What the database knows that a legacy list names, read in a few queries for
``medtrace.legacy.check`` (products, suppliers, locations, departments, lots and the
serial units in stock)."""

from odoo import fields

from medtrace.legacy import Catalog, Department, Place, Product, normalise


def legacy_catalog(legacy_import, raws):
    env = legacy_import.env
    company = legacy_import.company_id
    company_domain = [("company_id", "in", [company.id, False])]
    catalog = Catalog(
        allow_new_products=legacy_import.allow_new_products,
        today=fields.Date.context_today(legacy_import),
    )
    products = env["product.product"].search_read(
        [*company_domain, ("is_storable", "=", True)],
        ["name", "default_code", "tracking", "med_implantable", "product_tmpl_id"],
    )
    info = {}
    for product in products:
        item = Product(
            product["id"], product["name"], product["tracking"], product["med_implantable"]
        )
        info[product["id"]] = item
        if product["default_code"]:
            catalog.products_by_code[normalise.key(product["default_code"])] = item
        catalog.products_by_name.setdefault(normalise.key(product["name"]), []).append(item)
    for di in env["med.product.di"].search_read(
        [("company_id", "=", company.id)], ["di", "product_id"]
    ):
        if di["product_id"] and di["product_id"][0] in info:
            catalog.products_by_di[di["di"]] = info[di["product_id"][0]]
    for partner in env["res.partner"].search_read(
        [*company_domain, ("is_company", "=", True)], ["name"]
    ):
        catalog.suppliers[normalise.key(partner["name"])] = (partner["id"], partner["name"])
    locations = env["stock.location"].search_read(
        [*company_domain, ("usage", "=", "internal")], ["name", "complete_name", "parent_path"]
    )
    places = {}
    short_names = {}
    for location in locations:
        place = Place(location["id"], location["complete_name"], location["parent_path"])
        places[location["id"]] = place
        catalog.locations[normalise.key(location["complete_name"])] = place
        short_names.setdefault(normalise.key(location["name"]), []).append(place)
    for key, found in short_names.items():
        if len(found) == 1:
            catalog.locations.setdefault(key, found[0])
    for department in env["hr.department"].search_read(
        [("company_id", "in", [company.id, False])], ["name", "complete_name", "med_location_id"]
    ):
        location = department["med_location_id"]
        item = Department(
            department["id"], department["name"], places.get(location[0]) if location else None
        )
        catalog.departments[normalise.key(department["name"])] = item
        catalog.departments.setdefault(normalise.key(department["complete_name"]), item)
    lot_names = {
        normalise.code(raw.get(fname))
        for raw in raws
        for fname in ("lot", "serial")
        if raw.get(fname) not in (None, "")
    }
    if lot_names:
        lots = env["stock.lot"].search_read(
            [*company_domain, ("name", "in", list(lot_names))],
            ["name", "product_id", "expiration_date"],
        )
        serial_lots = {}
        for lot in lots:
            product_id = lot["product_id"][0]
            if lot["expiration_date"]:
                catalog.lot_expiries[(product_id, lot["name"])] = lot["expiration_date"].date()
            if product_id in info and info[product_id].tracking == "serial":
                serial_lots[lot["id"]] = (product_id, lot["name"])
        if serial_lots:
            for quant in env["stock.quant"].search_read(
                [
                    ("lot_id", "in", list(serial_lots)),
                    ("quantity", ">", 0),
                    ("location_id.usage", "=", "internal"),
                ],
                ["lot_id", "location_id"],
            ):
                place = places.get(quant["location_id"][0])
                if place:
                    catalog.units_in_stock[serial_lots[quant["lot_id"][0]]] = place
    return catalog
