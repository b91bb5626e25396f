"""Write a generated qualification plan as YAML (the generator is ``tests/plan_generator.py``)::

python benchmarks/generate_plans.py 300 --seed 1 -o plan-300.yaml
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the plan generator the tests share

from plan_generator import main

if __name__ == "__main__":
    sys.exit(main())
