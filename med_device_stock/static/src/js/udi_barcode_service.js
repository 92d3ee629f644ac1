/** @odoo-module **/
/**
 * The barcode service announces a scan that may be a UDI only once the
 * server's reading of it is cached (udi_barcode_parser.js), so listeners that
 * parse it synchronously get lot and serial apart, dates, and HIBCC.
 * Nothing is delayed when the company's nomenclature reads no UDI.
 */

import { patch } from "@web/core/utils/patch";
import { barcodeService } from "@barcodes/barcode_service";
import { fetchUdiReading, hasUdiReading, looksLikeUdi, udiCompany } from "./udi_barcode_parser";

patch(barcodeService, {
    start() {
        const service = super.start(...arguments);
        const trigger = service.bus.trigger.bind(service.bus);
        service.bus.trigger = (name, payload) => {
            const barcode = payload && payload.barcode;
            if (
                name !== "barcode_scanned" ||
                udiCompany.enabled === false ||
                !looksLikeUdi(barcode) ||
                hasUdiReading(barcode)
            ) {
                return trigger(name, payload);
            }
            fetchUdiReading(barcode)
                .catch(() => null) // offline or refused: the client's own rules read it
                .then(() => trigger(name, payload));
        };
        return service;
    },
});
