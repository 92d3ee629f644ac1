/** @odoo-module **/
/**
 * The scan station's record of its scans, kept in the browser (IndexedDB) so that
 * nothing scanned is lost when the network or the server is gone or the page is
 * reloaded: each scan gets an idempotency key and the time it was scanned when it is
 * scanned, is stored at once as "pending", and keeps its answer once the server gave
 * one.  The server records a key once (med.scan.request), so a scan sent twice (an
 * answer lost on the way back) is recorded once.
 *
 * ScanQueue is plain JavaScript (no OWL): the station's component holds one; hoot
 * tests drive it with their own database name.
 */

const STORE = "scans";
/** Answered scans kept in the browser, newest first (pending ones are always kept). */
export const KEEP_ANSWERED = 200;

/** A new idempotency key (a UUID when the browser makes them, else random hex). */
export function newScanKey() {
    if (globalThis.crypto && crypto.randomUUID) {
        return crypto.randomUUID();
    }
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function request(idbRequest) {
    return new Promise((resolve, reject) => {
        idbRequest.onsuccess = () => resolve(idbRequest.result);
        idbRequest.onerror = () => reject(idbRequest.error);
    });
}

/** Memory storage, where the browser has no IndexedDB (private windows of some browsers). */
class MemoryStorage {
    constructor() {
        this.rows = new Map();
    }
    async all() {
        return [...this.rows.values()].map((row) => ({ ...row }));
    }
    async put(row) {
        this.rows.set(row.key, { ...row });
    }
    async delete(key) {
        this.rows.delete(key);
    }
}

class IndexedDbStorage {
    constructor(name) {
        this.name = name;
        this.db = null;
    }
    async open() {
        const opening = indexedDB.open(this.name, 1);
        opening.onupgradeneeded = () => {
            opening.result.createObjectStore(STORE, { keyPath: "key" });
        };
        this.db = await request(opening);
        return this;
    }
    async all() {
        const tx = this.db.transaction(STORE, "readonly");
        return request(tx.objectStore(STORE).getAll());
    }
    async put(row) {
        const tx = this.db.transaction(STORE, "readwrite");
        tx.objectStore(STORE).put(JSON.parse(JSON.stringify(row)));
        await new Promise((resolve, reject) => {
            tx.oncomplete = resolve;
            tx.onerror = () => reject(tx.error);
            tx.onabort = () => reject(tx.error);
        });
    }
    async delete(key) {
        const tx = this.db.transaction(STORE, "readwrite");
        tx.objectStore(STORE).delete(key);
        await new Promise((resolve) => (tx.oncomplete = resolve));
    }
    close() {
        this.db && this.db.close();
    }
}

/**
 * The scans of one user in one database, in the order they were scanned.
 *
 * Entry: {key, seq, raw, operation, values, scanned_at, status, result, queued,
 * resolved}; status is "pending" (not answered yet), "done" or "refused"; queued is
 * true for a scan that waited for the network (its refusal is listed for the user to
 * resolve).
 */
export class ScanQueue {
    /**
     * @param {string} name the IndexedDB database (one per user and Odoo database)
     * @param {Object} [options]
     * @param {Function} [options.send] async (entry) => answer of the server; throws
     *        ScanOffline when the server cannot be reached
     */
    constructor(name, { send } = {}) {
        this.name = name;
        this.send = send;
        this.entries = [];
        this.storage = null;
        this.flushing = null;
        this.online = true;
        this.seq = 0;
    }

    async open() {
        try {
            this.storage = await new IndexedDbStorage(this.name).open();
        } catch {
            this.storage = new MemoryStorage();
        }
        this.entries = (await this.storage.all()).sort((a, b) => a.seq - b.seq);
        this.seq = this.entries.reduce((max, e) => Math.max(max, e.seq), 0);
        return this;
    }

    close() {
        this.storage && this.storage.close && this.storage.close();
    }

    /** The scans still to send, oldest first. */
    get pending() {
        return this.entries.filter((e) => e.status === "pending");
    }

    /** Refusals of scans that had waited for the network and are not resolved yet. */
    get toResolve() {
        return this.entries.filter((e) => e.status === "refused" && e.queued && !e.resolved);
    }

    /**
     * Record a scan (stored before anything is sent) and return its entry.
     *
     * @param {string} raw the code as scanned
     * @param {string} operation the station's mode
     * @param {Object} values the mode's values
     */
    async add(raw, operation, values) {
        const entry = {
            key: newScanKey(),
            seq: ++this.seq,
            raw,
            operation,
            values: { ...values },
            scanned_at: new Date().toISOString(),
            status: "pending",
            result: null,
            queued: !this.online || this.pending.length > 0,
            resolved: false,
        };
        this.entries.push(entry);
        await this.storage.put(entry);
        return entry;
    }

    async update(entry, changes) {
        Object.assign(entry, changes);
        await this.storage.put(entry);
        return entry;
    }

    /** Mark a refusal as seen and dealt with. */
    async resolve(entry) {
        return this.update(entry, { resolved: true });
    }

    /**
     * Send the pending scans, one at a time and in the order they were scanned (a
     * scan never overtakes an earlier one).  Resolves once none is left or the server
     * cannot be reached (``online`` is then false; call again to retry).
     *
     * @param {Function} [onAnswer] (entry) => void, after each answer is stored
     */
    flush(onAnswer) {
        if (!this.flushing) {
            this.flushing = this._flush(onAnswer).finally(() => (this.flushing = null));
        }
        return this.flushing;
    }

    async _flush(onAnswer) {
        for (let entry = this.pending[0]; entry; entry = this.pending[0]) {
            let answer;
            try {
                answer = await this.send(entry);
            } catch (error) {
                if (error instanceof ScanOffline) {
                    this.online = false;
                    await this.update(entry, { queued: true });
                    return;
                }
                throw error;
            }
            this.online = true;
            await this.update(entry, {
                status: answer.ok ? "done" : "refused",
                result: answer,
            });
            if (onAnswer) {
                onAnswer(entry);
            }
        }
        await this.prune();
    }

    /** Forget the oldest answered scans beyond KEEP_ANSWERED (pending ones stay). */
    async prune() {
        const answered = this.entries.filter(
            (e) => e.status !== "pending" && !(e.status === "refused" && e.queued && !e.resolved)
        );
        const extra = answered.slice(0, Math.max(0, answered.length - KEEP_ANSWERED));
        for (const entry of extra) {
            await this.storage.delete(entry.key);
        }
        const gone = new Set(extra.map((e) => e.key));
        this.entries = this.entries.filter((e) => !gone.has(e.key));
    }
}

/** Thrown by a queue's ``send`` when the server cannot be reached. */
export class ScanOffline extends Error {}
