"""Objects in an S3-compatible store (boto3, path-style addressing): the slice upload pipeline's
only door to S3. `ObjectStore` is the interface; `S3ObjectStore` the real implementation.

Keys are the configured prefix plus the slice's relative path. Sizes in bytes; every call raises
`ObjectStoreError` on a network or service failure (a missing object is not a failure: `head_size`
returns None). Thread-safe: boto3 clients may be shared between threads.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import boto3
from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from camvault.config import S3Config

MULTIPART_THRESHOLD_BYTES = 16 * 1024 * 1024
"""Files above this are uploaded in parts of this size (S3 parts are at least 5 MiB)."""
READ_CHUNK_BYTES = 256 * 1024
MISSING_CODES = {"404", "NoSuchKey", "NotFound"}


class ObjectStoreError(Exception):
    """The object store did not answer, or refused."""


class ObjectStore(Protocol):
    def key_for(self, relpath: str) -> str: ...
    def put_file(self, key: str, path: Path) -> None: ...
    def head_size(self, key: str) -> int | None: ...
    def read_range(self, key: str, first: int, last: int) -> Iterator[bytes]: ...
    def url(self, key: str) -> str: ...
    def delete(self, key: str) -> None: ...
    def list_keys(self) -> list[str]: ...


class S3ObjectStore:
    """One bucket of an S3-compatible service."""

    def __init__(self, config: S3Config, *, timeout_s: float = 10) -> None:
        self._config = config
        self._bucket = config.bucket
        self._client = boto3.session.Session().client(
            "s3", endpoint_url=config.endpoint_url, aws_access_key_id=config.access_key,
            aws_secret_access_key=config.secret_key, region_name=config.region,
            config=BotoConfig(s3={"addressing_style": "path"}, connect_timeout=timeout_s,
                              read_timeout=timeout_s, retries={"max_attempts": 1}))
        self._transfer = TransferConfig(multipart_threshold=MULTIPART_THRESHOLD_BYTES,
                                        multipart_chunksize=MULTIPART_THRESHOLD_BYTES, use_threads=False)

    def key_for(self, relpath: str) -> str:
        return self._config.key_prefix + relpath

    def put_file(self, key: str, path: Path) -> None:
        """Upload a local file whole (multipart above MULTIPART_THRESHOLD_BYTES)."""
        with _errors(f"upload of {key}"):
            self._client.upload_file(str(path), self._bucket, key, Config=self._transfer)

    def head_size(self, key: str) -> int | None:
        """The stored object's size, None when there is no such object."""
        try:
            return int(self._client.head_object(Bucket=self._bucket, Key=key)["ContentLength"])
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in MISSING_CODES:
                return None
            raise ObjectStoreError(f"HEAD {key}: {exc}") from exc
        except BotoCoreError as exc:
            raise ObjectStoreError(f"HEAD {key}: {exc}") from exc

    def read_range(self, key: str, first: int, last: int) -> Iterator[bytes]:
        """Bytes first..last (inclusive) of the object, in chunks."""
        with _errors(f"GET {key}"):
            body = self._client.get_object(Bucket=self._bucket, Key=key, Range=f"bytes={first}-{last}")["Body"]
        try:
            with _errors(f"GET {key}"):
                yield from body.iter_chunks(READ_CHUNK_BYTES)
        finally:
            body.close()

    def url(self, key: str) -> str:
        """A signed GET URL that HTTP clients (PyAV/ffmpeg) read with Range requests."""
        with _errors(f"signing {key}"):
            return self._client.generate_presigned_url(
                "get_object", Params={"Bucket": self._bucket, "Key": key},
                ExpiresIn=self._config.presign_expiry_s)

    def delete(self, key: str) -> None:
        """Remove the object (an object already gone is fine)."""
        with _errors(f"DELETE {key}"):
            self._client.delete_object(Bucket=self._bucket, Key=key)

    def list_keys(self) -> list[str]:
        """Every key under the prefix (tests and tools; pages through the listing)."""
        keys: list[str] = []
        with _errors("listing"):
            pages = self._client.get_paginator("list_objects_v2").paginate(
                Bucket=self._bucket, Prefix=self._config.key_prefix)
            for page in pages:
                keys += [item["Key"] for item in page.get("Contents", [])]
        return keys


class _errors:
    """Turns boto errors into ObjectStoreError naming what was being done."""

    def __init__(self, what: str) -> None:
        self._what = what

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, _tb) -> bool:
        if exc is not None and isinstance(exc, (BotoCoreError, ClientError, Boto3Error)):
            raise ObjectStoreError(f"{self._what}: {exc}") from exc
        return False
