"""What a mosaic's MJPEG rendering draws for one user: its cells showing a camera (from
`MosaicService.shown`) placed on the canvas, merged cells spanning their positions, each fed by the
camera's stream the cell asks for (`core.tiles.chosen_stream`).

A cell whose camera the user may not view live stays empty (black), as does a cell showing no
camera (no element in the current level, an image or web page element); a camera deleted since,
or without a stream to show, is drawn "no video". Blocking (reads the camera list): called off the
event loop when the mosaic's plan changes.
"""

from __future__ import annotations

from camvault.core.errors import NotFound
from camvault.core.model import User
from camvault.core.mosaics import Layout, Shown
from camvault.core.rights import can_play_live
from camvault.core.tiles import Size, merged_cells
from camvault.services.cameras import CameraService
from camvault.services.live_view import LiveViewService
from camvault.video.mjpeg.program import Composition


def composition(user: User, plan: tuple[Layout, tuple[Shown, ...]], canvas: Size, cameras: CameraService,
                live_view: LiveViewService) -> Composition:
    layout, shown = plan
    places = merged_cells(layout, canvas)
    tiles, cells = [], []
    for s in shown:
        if not can_play_live(user, s.camera_id):
            continue
        cell = places[s.cell]
        try:
            view = cameras.get_for(user, s.camera_id)
        except NotFound:
            tiles.append(None)
        else:
            tiles.append(live_view.cell_ref(view, cell, s.stream_id, s.quality))
        cells.append(cell)
    return Composition(tuple(tiles), tuple(cells))
