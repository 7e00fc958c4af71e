"""The 360Giving files: the JSON package checked against the vendored official schema, and the
CSV and XLSX "flattened" by flattentool, 360Giving's own tool, with the schema's column titles
(ADR 0037). The schemas (CC BY 4.0, 360Giving) are in ``schemas/360giving/``; nothing is fetched.
"""

from __future__ import annotations

import copy
import io
import json
import tempfile
import warnings
import zipfile
from functools import cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas" / "360giving"
GRANT_SCHEMA = SCHEMA_DIR / "360-giving-schema.json"
PACKAGE_SCHEMA = SCHEMA_DIR / "360-giving-package-schema.json"


@cache
def schemas() -> tuple[dict, dict]:
    """(package schema, grant schema) as published."""
    return json.loads(PACKAGE_SCHEMA.read_text()), json.loads(GRANT_SCHEMA.read_text())


def _flat_schema(directory: Path) -> Path:
    # flattentool reads the grant's fields at its schema's root; without the remote $id its
    # "#/$defs/…" references resolve inside the file, never over the network
    schema = copy.deepcopy(schemas()[1])
    schema.pop("$id", None)
    path = directory / "360-giving-schema.json"
    path.write_text(json.dumps(schema))
    return path


def flatten(package: dict, output_format: str) -> bytes:
    """The package's grants flattened: "xlsx" (one workbook, a sheet per repeated part) or
    "csv" (a ZIP of one CSV per sheet), column titles as 360Giving publishes them."""
    import flattentool

    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fields the schema leaves untitled are skipped, as 360Giving's tools do
        directory = Path(tmp)
        source = directory / "grants.json"
        source.write_text(json.dumps({"grants": package["grants"]}))
        output = directory / ("grants.xlsx" if output_format == "xlsx" else "grants")
        flattentool.flatten(
            str(source),
            schema=str(_flat_schema(directory)),
            output_name=str(output),
            output_format=output_format,
            main_sheet_name="grants",
            root_list_path="grants",
            root_id="",
            use_titles=True,
        )
        if output_format == "xlsx":
            return output.read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(output.glob("*.csv")):
                archive.write(path, path.name)
        return buffer.getvalue()


def unflatten(content: bytes, input_format: str) -> list[dict]:
    """The grants read back from a file ``flatten`` wrote (the round trip the tests make)."""
    import flattentool

    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        directory = Path(tmp)
        if input_format == "xlsx":
            source = directory / "grants.xlsx"
            source.write_bytes(content)
        else:
            source = directory / "grants"
            source.mkdir()
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                archive.extractall(source)
        output = directory / "back.json"
        flattentool.unflatten(
            str(source),
            input_format=input_format,
            output_name=str(output),
            root_list_path="grants",
            root_id="",
            schema=str(_flat_schema(directory)),
            convert_titles=True,
        )
        return json.loads(output.read_text())["grants"]
