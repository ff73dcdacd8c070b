"""Settings for every pytest run, the notebooks' (book/) as well as the tests'."""

import os

# The stored notebook outputs were computed on the CPU. nbval's kernels inherit this
# environment, so companion.utils.course_device() picks the CPU even on a machine
# with a GPU, and the outputs reproduce; a reader's own run uses the GPU.
os.environ.setdefault("COURSE_DEVICE", "cpu")
