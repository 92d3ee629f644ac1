"""Large consignor files processed by OCA queue_job jobs (issue 14, issue 16)."""

import datetime

from odoo.addons.med_consignor_edi.models.med_edi_exchange_queue_mixin import (
    ENGINE_PARAM,
    SYNC_MAX_LINES_PARAM,
)
from odoo.addons.med_consignor_edi.tests.common import ConsignorEdiCommon
from odoo.addons.queue_job.job import Job
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestQueueJob(ConsignorEdiCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key_a = cls._api_key(cls.user_api_a, "consignor A")
        cls.env["ir.config_parameter"].sudo().set_param(SYNC_MAX_LINES_PARAM, "2")

    def _post(self, order="PO-2025-1"):
        response = self.url_open(
            f"/med_edi/{self.backend.id}/purchase_order",
            data=self._csv(self._po_rows(message_id=order, order=order)),
            headers={"Content-Type": "text/csv", "Authorization": f"Bearer {self.key_a}"},
        )
        self.assertEqual(response.status_code, 202, response.text[-2000:])
        return self.env["med.edi.exchange"].browse(response.json()["exchange_id"])

    def _jobs(self, exchange):
        return (
            self.env["queue.job"]
            .search([("model_name", "=", "med.edi.exchange")])
            .filtered(lambda job: job.records == exchange)
        )

    def _run_as_the_job_runner(self, job_record):
        """What queue_job's runner does: the job enqueued, then /queue_job/runjob."""
        job = Job.load(self.env, job_record.uuid)
        job.set_enqueued()
        job.store()
        response = self.url_open(
            f"/queue_job/runjob?db={self.env.cr.dbname}&job_uuid={job_record.uuid}"
        )
        self.assertEqual(response.status_code, 200, response.text[-2000:])
        job_record.invalidate_recordset()

    def test_a_large_file_becomes_one_job_in_the_edi_channel(self):
        exchange = self._post()
        self.assertEqual(exchange.state, "received")
        job = self._jobs(exchange)
        self.assertEqual(len(job), 1)
        self.assertEqual(
            (job.channel, job.method_name, job.state),
            ("root.med.edi", "_edi_process_job", "pending"),
        )
        self.assertIn(exchange.display_name, job.name)
        self.assertEqual(job.job_function_id.retry_pattern, {"1": 60, "3": 300, "5": 900})
        # the scheduled job leaves it to the job
        self.env["med.edi.exchange"]._edi_process_received()
        self.assertEqual(exchange.state, "received")
        self._run_as_the_job_runner(job)
        self.assertEqual(job.state, "done", job.exc_info)
        exchange.invalidate_recordset()
        self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))
        self.assertEqual((exchange.lines_done, exchange.progress), (3, 100))
        order = self.env["purchase.order"].browse(exchange.res_id)
        self.assertEqual(order.partner_ref, "PO-2025-1")
        # run again (a retry, or a second runner): nothing is created twice
        job.state = "pending"
        self._run_as_the_job_runner(job)
        self.assertEqual(
            self.env["purchase.order"].search_count([("partner_ref", "=", "PO-2025-1")]), 1
        )

    def test_the_scheduled_job_stays_the_engine_when_asked(self):
        self.env["ir.config_parameter"].sudo().set_param(ENGINE_PARAM, "cron")
        exchange = self._post(order="PO-CRON")
        self.assertFalse(self._jobs(exchange), "no job: the scheduled job processes it")
        self.env["med.edi.backend"]._cron_folder_exchange()
        self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))

    def test_a_file_whose_worker_died_is_taken_up_again(self):
        """A worker killed while processing a file (or its database connection cut)
        leaves the job started for ever: queue_job never requeues it by itself."""
        exchange = self._post()
        job_record = self._jobs(exchange)
        job = Job.load(self.env, job_record.uuid)
        job.set_enqueued()
        job.set_started()
        job.store()
        job_record.invalidate_recordset()
        Jobs = self.env["queue.job"]
        self.assertEqual(Jobs._med_edi_requeue_stuck(), 0, "a job just started is running")
        job_record.date_started = job_record.date_started - datetime.timedelta(hours=1)
        self.assertEqual(Jobs._med_edi_requeue_stuck(), 1)
        self.assertEqual(job_record.state, "pending")
        self._run_as_the_job_runner(job_record)
        self.assertEqual(job_record.state, "done")
        self.assertEqual(exchange.state, "processed")
        # the cron that does it every 5 minutes
        cron = self.env.ref("med_consignor_edi_queue_job.ir_cron_med_edi_requeue_stuck")
        self.assertEqual((cron.interval_number, cron.interval_type), (5, "minutes"))
