"""The slice recorder: stream copy into MKV slices that start on a keyframe, never exceed the
maximum with a steady GOP, add up to the recorded time, and are only reported once closed."""

import av

from camvault.store.media import MediaStore
from tests.support.media import decode_all, record_packets

URL = "synthetic://?width=160&height=90&fps=25&gop=25&bitrate=100000&realtime=0"


def test_slices_start_on_keyframes_and_respect_the_maximum(tmp_path):
    media = MediaStore(tmp_path)
    made = record_packets(URL, media, packets=25 * 7 + 10, slice_max_s=2, skip=7)
    # indices 7..191 fed, the first keyframe is index 25: 167 frames of 40 ms
    assert [s.stop_ms - s.start_ms for s in made] == [2000, 2000, 2000, 680]
    for s in made:
        path = media.absolute(s.path)
        assert path.is_file() and not path.with_name(path.name + ".part").exists()
        assert s.size_bytes == path.stat().st_size
        frames = decode_all(path)
        assert frames[0].key_frame and frames[0].pts == 0
        assert len(frames) * 40 == s.stop_ms - s.start_ms
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            assert container.format.name == "matroska,webm" and stream.codec_context.name == "h264"
    for previous, following in zip(made, made[1:]):
        assert following.start_ms == previous.stop_ms


def test_packets_before_the_first_keyframe_are_dropped(tmp_path):
    made = record_packets(URL, MediaStore(tmp_path), packets=30, slice_max_s=10, skip=5)
    # 5 skipped, 20 dropped until the keyframe at index 25, 10 recorded
    assert len(made) == 1 and made[0].stop_ms - made[0].start_ms == 10 * 40


def test_nothing_is_reported_without_a_keyframe(tmp_path):
    assert record_packets(URL, MediaStore(tmp_path), packets=20, slice_max_s=10, skip=1) == []
    assert list(MediaStore(tmp_path).list_slice_files()) == []
