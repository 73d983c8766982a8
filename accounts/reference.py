"""Reference data shipped with the project: regions (GB/T 2260) and the sample policy.

``data/regions.csv``: every province-level unit (31 + 新疆生产建设兵团) and its
prefecture-level pooling regions, current codes, derived from python-stdnum's
division-code table (municipalities are one region each; 兵团 divisions use the
medical insurance codes 66xx00, stand-ins). ``data/sample_policy.csv``: a copy of
the mission's sample policy. Both are loaded by migration 0002, so a freshly
migrated database is ready to use.
"""

import csv
import datetime as dt
from pathlib import Path

from accounts.models.regions import POLICY_DATE_FIELDS

DATA = Path(__file__).resolve().parent / "data"


def read_csv(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def reference_data_load(Province, PoolingRegion, ProvincePolicy) -> None:
    """Create or update provinces, regions and (sample) policies. Models may be historical."""
    for row in read_csv("regions.csv"):
        Province.objects.update_or_create(
            code=row["province_code"], defaults={"name": row["province_name"]}
        )
        PoolingRegion.objects.update_or_create(
            code=row["region_code"],
            defaults={"name": row["region_name"], "province_id": row["province_code"]},
        )
    for row in read_csv("sample_policy.csv"):
        dates = {
            field: dt.date.fromisoformat(row[field]) if row[field] else None
            for field in POLICY_DATE_FIELDS
        }
        ProvincePolicy.objects.get_or_create(
            province_id=row["province_code"], defaults={**dates, "is_sample": True}
        )
