from . import med_edi_exchange, queue_job
