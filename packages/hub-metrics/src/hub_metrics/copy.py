"""Copy the two files to where the Hub's build downloads them: a folder or S3.

An ``s3://bucket/prefix/`` destination goes through boto3, configured the
way every AWS client is: credentials from AWS_ACCESS_KEY_ID /
AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN) or AWS_PROFILE, the endpoint
from AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL (a local S3 in tests). Nothing
here reads, prints or stores a credential.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from ga_report.warehouse import ReportError, first_line
from hub_metrics.files import AUDIT, VARIANT_METRICS

#: variant_metrics.yml first, audit.yml last: the audit dates a complete pair.
FILES = (VARIANT_METRICS, AUDIT)


def built_files(build_dir: Path) -> list[Path]:
    """The pair ``hub-metrics write`` left in ``build_dir``."""
    paths = [build_dir / name for name in FILES]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        msg = f"no {', '.join(missing)} in {build_dir}: run `hub-metrics write` first"
        raise ReportError(msg)
    return paths


def _copy_local(paths: Sequence[Path], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for path in paths:
        target = folder / path.name
        if target.resolve() == path.resolve():
            continue
        partial = folder / f".{path.name}.partial"
        shutil.copyfile(path, partial)
        os.replace(partial, target)


def _s3_location(uri: str) -> tuple[str, str]:
    """``s3://bucket/a/b`` -> (``bucket``, ``a/b/``)."""
    parts = urlsplit(uri)
    if not parts.netloc or parts.query or parts.fragment:
        msg = f"destination {uri!r} is not s3://<bucket>/<prefix>/"
        raise ReportError(msg)
    prefix = parts.path.strip("/")
    return parts.netloc, f"{prefix}/" if prefix else ""


def _copy_s3(paths: Sequence[Path], uri: str) -> None:
    bucket, prefix = _s3_location(uri)
    # Imported here: a folder destination never needs the AWS SDK loaded.
    import boto3  # noqa: PLC0415
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    try:
        client = boto3.session.Session().client("s3")
        for path in paths:
            client.put_object(
                Bucket=bucket,
                Key=f"{prefix}{path.name}",
                Body=path.read_bytes(),
                ContentType="application/yaml",
            )
    except (BotoCoreError, ClientError) as exc:
        # botocore's messages name the operation and the bucket, never a key.
        msg = f"cannot copy to {uri}: {first_line(exc)}"
        raise ReportError(msg) from exc


def copy_files(build_dir: Path, destination: str) -> list[str]:
    """Copy the pair from ``build_dir`` to ``destination``; where each went."""
    paths = built_files(build_dir)
    if destination.startswith("s3://"):
        _copy_s3(paths, destination)
        base = destination.rstrip("/")
        return [f"{base}/{p.name}" for p in paths]
    if "://" in destination:
        msg = f"destination {destination!r}: only a folder or s3:// is supported"
        raise ReportError(msg)
    folder = Path(destination)
    _copy_local(paths, folder)
    return [str(folder / p.name) for p in paths]
