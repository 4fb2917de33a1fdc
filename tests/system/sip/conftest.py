import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
# hujiao_testlib's hooks: a failed test's report ends with the sip_testd log.
from hujiao_testlib import pytest_runtest_makereport, pytest_runtest_setup  # noqa: E402,F401
