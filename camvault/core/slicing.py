"""When a recording cuts to a new slice.

A slice starts on a keyframe and lasts at most `slice_max_ms` when the keyframe interval (GOP) is
steady: at each keyframe we cut if waiting for the next keyframe would overrun the limit. A stream
whose GOP is longer than the limit cannot honour it; it then cuts at every keyframe past the limit.
"""

from __future__ import annotations


def should_cut(*, elapsed_ms: int, is_keyframe: bool, gop_ms: int | None, slice_max_ms: int) -> bool:
    """True if a new slice must start with this packet.

    elapsed_ms: time from the open slice's first packet to this packet.
    gop_ms: the last observed keyframe interval, None before two keyframes were seen.
    """
    if not is_keyframe or elapsed_ms <= 0:
        return False
    if elapsed_ms >= slice_max_ms:
        return True
    return gop_ms is not None and elapsed_ms + gop_ms > slice_max_ms
