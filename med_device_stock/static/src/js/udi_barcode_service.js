/** @odoo-module **/
/**
 * The barcode service announces a scan that may be a UDI only once the server's
 * reading of it is cached (udi_barcode_parser.js), so that listeners parsing it
 * synchronously get lot and serial apart, dates, and HIBCC:
 *
 * - on the service's bus: the service started by Odoo keeps its own bus, which
 *   only this patch listens to; the bus the web client gets is a new one, on
 *   which each scan is announced when its turn comes;
 * - as the DOM event "barcode_scanned" Odoo dispatches on an element with
 *   barcode_events="true": held in the capture phase (before any listener of
 *   the page) and dispatched again, on the same element, when its turn comes;
 * - in the order scanned: a scan waiting for the server is never overtaken by a
 *   later one (a product code after a UDI waits for the UDI).
 *
 * A scan is announced at once when nothing waits and it needs no reading (no UDI,
 * already read, or the company's nomenclature reads no UDI).
 */

import { patch } from "@web/core/utils/patch";
import { EventBus } from "@odoo/owl";
import { barcodeService } from "@barcodes/barcode_service";
import { fetchUdiReading, hasUdiReading, looksLikeUdi, udiCompany } from "./udi_barcode_parser";

/** The scans announced in order: a chain of promises, one link per waiting scan. */
export class ScanSequencer {
    constructor(announce) {
        this.announce = announce;
        this.waiting = 0;
        this.tail = Promise.resolve();
        this.released = new WeakSet();
        this.lastJob = null;
    }

    needsReading(barcode) {
        return udiCompany.enabled !== false && looksLikeUdi(barcode) && !hasUdiReading(barcode);
    }

    /** A scan heard on the service's own bus. */
    push(detail) {
        const job = { detail, dom: null };
        this.lastJob = job;
        if (!this.waiting && !this.needsReading(detail.barcode)) {
            job.immediate = true;
            this.announce(job);
            return job;
        }
        this.waiting++;
        const reading = this.needsReading(detail.barcode)
            ? fetchUdiReading(detail.barcode).catch(() => null) // offline or refused: the client's rules read it
            : Promise.resolve();
        this.tail = this.tail
            .then(() => reading)
            .then(() => this.announce(job))
            .finally(() => this.waiting--);
        return job;
    }

    /**
     * The DOM event Odoo dispatches right after the bus event of the same scan:
     * true when it must be held (dispatched again with its scan's announcement).
     */
    holdDomEvent(event) {
        if (this.released.has(event)) {
            return false;
        }
        const job = this.lastJob;
        if (!job || job.immediate || job.dom || job.detail.barcode !== event.detail?.barcode) {
            return false;
        }
        job.dom = event.target;
        return true;
    }

    redispatch(job) {
        if (!job.dom) {
            return;
        }
        const event = new CustomEvent("barcode_scanned", { detail: { ...job.detail } });
        this.released.add(event);
        job.dom.dispatchEvent(event);
    }
}

patch(barcodeService, {
    start() {
        const service = super.start(...arguments);
        const bus = new EventBus();
        const sequencer = new ScanSequencer((job) => {
            bus.trigger("barcode_scanned", job.detail);
            // the DOM event follows the bus event, as Odoo's own service does
            if (!job.immediate) {
                sequencer.redispatch(job);
            }
        });
        service.bus.addEventListener("barcode_scanned", (ev) => sequencer.push(ev.detail));
        window.addEventListener(
            "barcode_scanned",
            (ev) => {
                if (sequencer.holdDomEvent(ev)) {
                    ev.stopImmediatePropagation();
                }
            },
            true
        );
        return { ...service, bus, sequencer };
    },
});
