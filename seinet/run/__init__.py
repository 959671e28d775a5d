"""The run directory: the output contract of ``seinet analyze`` (DESIGN.md)."""

from .checkpoint import CheckpointPolicy, CheckpointStore
from .membership import MembershipWriter, read_membership
from .rundir import RunDirectory, sha256_of

__all__ = ["RunDirectory", "sha256_of", "MembershipWriter", "read_membership", "CheckpointPolicy", "CheckpointStore"]
