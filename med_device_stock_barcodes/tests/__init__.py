from . import test_glue
