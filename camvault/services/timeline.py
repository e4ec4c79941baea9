"""The timeline of one or several cameras over a window: recorded runs per slice type, protected
records and alarm markers, merged at the client's resolution (`min_gap_ms`) so a week view stays
small. Rights: a camera asked for must be visible to the user (Forbidden otherwise); with no
camera asked, every visible camera. `can_play` tells whether the user may play its records.
Three queries in all (slices, alarms, protected records), whatever the number of cameras.
"""

from __future__ import annotations

from collections import defaultdict

from camvault.core.errors import Forbidden, NotFound
from camvault.core.model import Camera, User
from camvault.core.rights import can_play_records, can_view
from camvault.core.timeline import CameraTimeline, RunMerger, Timeline, TimelineQuery, cluster_alarms
from camvault.store.store import Store
from camvault.store.timeline import TimelineQueries


class TimelineService:
    def __init__(self, store: Store, queries: TimelineQueries) -> None:
        self._store = store
        self._queries = queries

    def timeline(self, user: User, query: TimelineQuery) -> Timeline:
        query.check()
        cameras = {c.id: c for c in self._store.cameras.list()}
        camera_ids = self._cameras_for(user, query.camera_ids, sorted(cameras))
        views = {c: CameraTimeline(c, can_play_records(user, c), _play_stream_id(cameras[c])) for c in camera_ids}
        if not camera_ids:
            return Timeline(query, [], alarms_truncated=False)
        self._add_recorded(views, query)
        self._add_protected(views, query)
        truncated = self._add_alarms(views, query)
        return Timeline(query, [views[c] for c in camera_ids], alarms_truncated=truncated)

    @staticmethod
    def _cameras_for(user: User, asked: list[int] | None, known: list[int]) -> list[int]:
        if asked is None:
            return [c for c in known if can_view(user, c)]
        for camera_id in asked:
            if camera_id not in known:
                raise NotFound(f"Camera {camera_id} not found", key="camera_not_found", id=camera_id)
            if not can_view(user, camera_id):
                raise Forbidden(f"You have no rights on camera {camera_id}", key="camera_forbidden", id=camera_id)
        return sorted(set(asked))

    def _add_recorded(self, views: dict[int, CameraTimeline], query: TimelineQuery) -> None:
        mergers = self._mergers(query)
        for camera_id, slice_type, start_ms, stop_ms in self._queries.recorded(list(views), query.from_ms,
                                                                               query.to_ms):
            mergers[(camera_id, slice_type)].add(start_ms, stop_ms)
        for (camera_id, slice_type), merger in sorted(mergers.items()):
            views[camera_id].recorded[slice_type] = merger.runs

    def _add_protected(self, views: dict[int, CameraTimeline], query: TimelineQuery) -> None:
        mergers = self._mergers(query)
        for camera_id, slice_type, from_ms, to_ms in self._queries.protected(list(views), query.from_ms,
                                                                             query.to_ms):
            mergers[(camera_id, slice_type)].add(from_ms, to_ms)
        for (camera_id, slice_type), merger in sorted(mergers.items()):
            views[camera_id].protected[slice_type] = merger.runs

    def _add_alarms(self, views: dict[int, CameraTimeline], query: TimelineQuery) -> bool:
        """Adds the clustered markers; True when more alarms exist than `max_alarms`."""
        found = self._queries.alarms(list(views), query.from_ms, query.to_ms, query.max_alarms + 1)
        by_camera = defaultdict(list)
        for alarm in found[:query.max_alarms]:
            by_camera[alarm.camera_id].append(alarm)
        for camera_id, markers in by_camera.items():
            views[camera_id].alarms = cluster_alarms(markers, query.min_gap_ms)
        return len(found) > query.max_alarms

    @staticmethod
    def _mergers(query: TimelineQuery) -> defaultdict[tuple[int, str], RunMerger]:
        return defaultdict(lambda: RunMerger(query.from_ms, query.to_ms, query.min_gap_ms))


def _play_stream_id(camera: Camera) -> int | None:
    recorded = camera.streams_with_role("rrecord")
    if recorded:
        return recorded[0].stream_id
    return camera.streams[0].stream_id if camera.streams else None
