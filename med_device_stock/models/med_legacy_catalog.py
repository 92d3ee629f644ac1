"""What the database knows that a legacy list names, read in a few queries for
``medtrace.legacy.check`` (products, suppliers, locations, departments, lots and the
serial units in stock, the UDI database records of DIs no product has)."""

from odoo import fields

from medtrace.legacy import Catalog, Department, Place, Product, UdiRecord, normalise
from medtrace.udi import UdiError
from medtrace.udi import parse as parse_udi


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
    _udi_records(env, catalog, raws)
    return catalog


def _row_dis(raws):
    """The DIs the rows give, in a DI column or inside a pasted UDI, as the checker
    normalises them (GTINs on 14 digits)."""
    dis = set()
    for raw in raws:
        di = normalise.code(raw.get("di"))
        if not di and raw.get("udi"):
            try:
                udi = parse_udi(normalise.udi(raw["udi"]))
            except UdiError:
                continue
            di = udi.gtin or udi.di or ""
        if di.isdigit() and len(di) in (8, 12, 13, 14):
            dis.add(di.zfill(14))
        elif di:
            dis.add(di.upper())
    return dis


def _udi_records(env, catalog, raws):
    """The UDI database records of the DIs no product has (by their primary DI)."""
    unknown = _row_dis(raws) - set(catalog.products_by_di)
    if not unknown:
        return
    for record in env["med.udi.record"].search_read(
        [("di", "in", list(unknown))], ["di", "name", "model", "implantable"], order="source desc"
    ):
        name = " ".join(part for part in (record["name"], record["model"]) if part)
        catalog.udi_records.setdefault(
            record["di"],
            UdiRecord(
                record["id"], name or record["di"], "serial" if record["implantable"] else "lot"
            ),
        )
