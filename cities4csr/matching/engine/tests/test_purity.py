"""The engine imports no Django: importing it in a fresh interpreter leaves Django unloaded."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def test_engine_imports_no_django():
    code = (
        "import sys; import cities4csr.matching.engine, cities4csr.matching.engine.pooling, "
        "cities4csr.matching.engine.synthetic; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
    assert out.stdout.strip() == "[]"
